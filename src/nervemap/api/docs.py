"""The ``/docs`` page: Swagger UI served from this server, not from a CDN.

Swagger UI's script, style sheet and icon come from the installed ``fastapi-offline`` package (a
runtime dependency pinned in pyproject, so its version is the one ``pip`` installed and audited),
mounted as static files at :data:`ASSETS_PATH`. The page therefore references same-origin assets
only, and its Content-Security-Policy (``nervemap.api.security.DOCS_POLICY``) names no other host.
"""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.staticfiles import StaticFiles
from starlette.requests import Request
from starlette.responses import HTMLResponse

DOCS_PATH = "/docs"
OAUTH2_REDIRECT_PATH = "/docs/oauth2-redirect"
ASSETS_PATH = "/static/swagger-ui"  # inside /static: cached like the other static files
ASSET_FILES = ("swagger-ui-bundle.js", "swagger-ui.css", "favicon.png")


def install(app: FastAPI) -> None:
    """Add ``/docs``, its OAuth2 redirect page and the Swagger UI files to ``app`` (created with
    ``docs_url=None``). Mount before the web pages' ``/static`` so this prefix is matched first."""
    assets = StaticFiles(directory=str(resources.files("fastapi_offline") / "static"))
    app.mount(ASSETS_PATH, assets, name="swagger-ui")
    title = f"{app.title} - API documentation"
    openapi_url = app.openapi_url or "/openapi.json"

    async def docs(_: Request) -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=title,
            swagger_js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_PATH}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_PATH}/favicon.png",
            oauth2_redirect_url=OAUTH2_REDIRECT_PATH,
        )

    async def oauth2_redirect(_: Request) -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    app.add_route(DOCS_PATH, docs, include_in_schema=False)
    app.add_route(OAUTH2_REDIRECT_PATH, oauth2_redirect, include_in_schema=False)
