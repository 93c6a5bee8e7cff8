"""serve --workers: each worker process takes a core of its own (api/cpus.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from nervemap.api import cpus

CLAIM = """
import os, sys
from pathlib import Path
from nervemap.api.cpus import pin_to_free_cpu
cpu = pin_to_free_cpu(Path(sys.argv[1]))
print(cpu, sorted(os.sched_getaffinity(0)), flush=True)
sys.stdin.readline()  # hold the core until told to end
"""

needs_two_cpus = pytest.mark.skipif(
    not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2, reason="needs 2 cores"
)


@needs_two_cpus
def test_two_workers_take_two_cores_and_a_third_stays_unpinned(tmp_path: Path) -> None:
    cores = sorted(os.sched_getaffinity(0))
    started = []
    try:
        answers = []
        for _ in range(len(cores) + 1):
            process = subprocess.Popen(
                [sys.executable, "-c", CLAIM, str(tmp_path)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            )  # fmt: skip
            started.append(process)
            assert process.stdout is not None
            answers.append(process.stdout.readline().split(maxsplit=1))
        taken = [int(cpu) for cpu, _ in answers[:-1]]
        assert taken == cores  # each its own core, in order
        for cpu, mask in answers[:-1]:
            assert mask.strip() == f"[{cpu}]"  # every thread of the worker on that core alone
        assert answers[-1][0] == "None"  # no free core left: unpinned, the whole mask
        started[0].communicate("\n", timeout=30)  # the first worker ends: its core is free again
        again = subprocess.run(
            [sys.executable, "-c", CLAIM, str(tmp_path)],
            input="\n",
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert again.stdout.split()[0] == str(cores[0])
    finally:
        for process in started:
            if process.poll() is None:
                process.communicate("\n", timeout=30)


def test_pinning_only_when_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(cpus.PIN_VARIABLE, raising=False)
    assert cpus.pin_if_asked(tmp_path) is None
    monkeypatch.setenv(cpus.PIN_VARIABLE, "0")
    assert cpus.pin_if_asked(tmp_path) is None
    monkeypatch.setenv(cpus.PIN_VARIABLE, str(os.getpid()))  # the process that ran serve: never pinned
    assert cpus.pin_if_asked(tmp_path) is None
    assert not list(tmp_path.iterdir())  # no core was claimed
