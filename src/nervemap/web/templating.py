"""Jinja2 templates from the package, and one render() that also sets the CSRF cookie."""

from __future__ import annotations

import functools
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from nervemap import __version__
from nervemap.web import present
from nervemap.web.security import csrf_token, set_csrf_cookie


@functools.cache
def templates() -> Jinja2Templates:
    env = Environment(
        loader=PackageLoader("nervemap.web", "templates"),
        autoescape=select_autoescape(["html", "svg"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["percent"] = present.percent
    env.filters["when"] = present.when
    env.globals["version"] = __version__
    env.globals["urgency_class"] = present.urgency_class
    return Jinja2Templates(env=env)


def emergency_number(request: Request) -> str:
    """The configured emergency telephone number (settings), 999 when the app has none."""
    settings = getattr(request.app.state, "settings", None)
    return str(getattr(settings, "emergency_number", "999"))


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    values = {
        "csrf": csrf_token(request),
        "clinician": None,
        "title": "nervemap",
        "emergency_number": emergency_number(request),
        **(context or {}),
    }
    response = templates().TemplateResponse(request, name, values, status_code=status_code)
    set_csrf_cookie(request, response)
    response.headers["Cache-Control"] = "no-store"
    return response


def render_string(name: str, context: dict[str, Any]) -> str:
    """A template as text (for the PDF report), with no request."""
    return (
        templates()
        .env.get_template(name)
        .render({"version": __version__, "emergency_number": "999", **context})
    )
