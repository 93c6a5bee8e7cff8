"""The server-rendered web app: patient pages, the clinician workspace and printable reports."""

from __future__ import annotations

from importlib import resources
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from nervemap.web.security import LoginRequired, PageError

STATIC_PATH = "/static"


async def _on_page_error(request: Request, error: Exception) -> Response:
    from nervemap.web.templating import render

    assert isinstance(error, PageError)
    context = {"title": error.title, "heading": error.title, "message": error.message, "action": error.action}
    return render(request, "error.html", context, status_code=error.status)


async def _on_login_required(request: Request, error: Exception) -> Response:
    assert isinstance(error, LoginRequired)
    return RedirectResponse(f"/clinic/login?next={quote(error.next_path, safe='/')}", status_code=303)


def install(app: FastAPI) -> None:
    """Add the pages, their error pages and the static files to ``app``."""
    from nervemap.web import clinic, episodes, patient, report

    for router in (patient.router, clinic.router, episodes.router, report.router):
        app.include_router(router)
    static = StaticFiles(directory=str(resources.files("nervemap.web") / "static"))
    app.mount(STATIC_PATH, static, name="static")
    app.add_exception_handler(PageError, _on_page_error)
    app.add_exception_handler(LoginRequired, _on_login_required)
