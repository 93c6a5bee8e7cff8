"""One core per ``serve --workers`` process (issue 16, the 100-client p99).

Measured (session 10, docs/scaling.md): unpinned, the threads of one worker process (the event loop,
the threadpool's, the group-commit writer) ran on both cores at once and handed the GIL to each other
across cores - every hand-over waits for another core to notice, and the two processes' threads
displace each other. With each worker's threads kept on a core of their own, 100 clients gave
727-735 req/s and p99 197-203 ms instead of 445-520 req/s and p99 362-430 ms (alternated runs), and
18 % less CPU a request.

A worker takes the first core whose lock file (``<folder>/cpu-<n>.lock``) it can ``flock``; the lock
is held for the life of the process, so a worker that uvicorn's supervisor replaces frees its core for
the replacement. With more workers than cores, the workers that find no free core stay unpinned.
``NERVEMAP_PIN_WORKERS=0`` switches it off. ``serve --workers`` sets it, unless it is set and only when
the workers are at least as many as the cores it may use (with cores to spare, a pinned worker could not
move to an idle one), to its own process id, and unsets it when the workers stop: the worker processes it
starts pin themselves, the process that ran ``serve`` never does
(a test calling ``served_app`` in-process after ``serve`` must not pin the test runner to one core).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import IO

PIN_VARIABLE = "NERVEMAP_PIN_WORKERS"
_held: list[IO[str]] = []  # the lock of the core this process took, open for the process's life


def pin_to_free_cpu(folder: Path) -> int | None:
    """Pin every thread of this process (and the threads it starts later) to the first core no other
    process holds; the core, or None when none is free or the system cannot pin."""
    import fcntl

    if not hasattr(os, "sched_setaffinity") or _held:
        return None
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    for cpu in cpus:
        handle = (folder / f"cpu-{cpu}.lock").open("a", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            continue
        _held.append(handle)
        for task in _threads():  # threads already running too; new ones inherit the starting thread's
            with contextlib.suppress(OSError):  # a thread that ended meanwhile
                os.sched_setaffinity(task, {cpu})
        return cpu
    return None


def _threads() -> list[int]:
    try:
        return [int(name) for name in os.listdir("/proc/self/task")]
    except OSError:
        return [0]


def pin_if_asked(folder: Path) -> int | None:
    """:func:`pin_to_free_cpu` in a worker of ``serve --workers``: when ``NERVEMAP_PIN_WORKERS`` is set,
    not 0, and not this process's own id (the supervisor that set it)."""
    asked = os.environ.get(PIN_VARIABLE, "0")
    if asked in {"", "0", str(os.getpid())}:
        return None
    return pin_to_free_cpu(folder)
