"""One BLAS thread per server process by default (issue 16).

numpy's OpenBLAS starts one thread per core in every process; the service's matrix products are
small, so under load those threads spin against each other and against the other workers (about
4x the CPU for the same answers). ``nervemap serve`` therefore sets ``OPENBLAS_NUM_THREADS`` and
``OMP_NUM_THREADS`` to 1 unless the user's environment already sets them. OpenBLAS reads them when
numpy is first imported, so they are set before that (the main CLI sets them for ``serve`` before
it imports its commands) and are inherited by the ``--workers`` processes, which uvicorn spawns.
Stdlib only: importing this module must not import numpy.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import MutableMapping

VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")


def default_one_thread(environ: MutableMapping[str, str] | None = None) -> list[str]:
    """Set each of :data:`VARIABLES` the environment does not set to "1"; the names set here."""
    env = os.environ if environ is None else environ
    chosen = [name for name in VARIABLES if name not in env]
    for name in chosen:
        env[name] = "1"
    return chosen


def limit_loaded_blas() -> bool:
    """In a process that imported numpy before the variables were set (so its OpenBLAS already
    started its threads): limit it to one thread with threadpoolctl when installed. Whether
    the limit was applied; without threadpoolctl only processes started later get one thread."""
    if "numpy" not in sys.modules:
        return False  # numpy reads the environment when it is imported
    try:
        threadpoolctl = importlib.import_module("threadpoolctl")
    except ImportError:
        return False
    threadpoolctl.threadpool_limits(limits=1, user_api="blas")
    return True
