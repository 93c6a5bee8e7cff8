"""Access log without patient data: method, route template, status and time; never paths or bodies.

Raw paths carry patient-link tokens and record ids, and query strings carry filters, so only the
matched route template (``/v1/assessments/{assessment_id}``) is logged.
"""

from __future__ import annotations

import logging
import time

from starlette.types import Scope

log = logging.getLogger("nervemap.access")
FORMAT = "%s %s %d %.1fms"


def log_request(scope: Scope, status: int, started: float) -> None:
    """One line: method, route template, status, milliseconds since ``started`` (perf_counter).

    Called by :class:`nervemap.api.security.EdgeGuards` when a request ends (its outermost layer).
    ``makeRecord`` + ``handle``, not ``log.info``: the same record without the stack walk that finds
    the caller's file and line.
    """
    if log.isEnabledFor(logging.INFO):
        route = getattr(scope.get("route"), "path", "-")
        elapsed = (time.perf_counter() - started) * 1000
        args = (scope.get("method"), route, status, elapsed)
        log.handle(log.makeRecord(log.name, logging.INFO, __file__, 0, FORMAT, args, None))
