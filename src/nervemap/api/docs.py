"""The ``/docs`` page: Swagger UI served from this server, not from a CDN, with no inline script.

Swagger UI's script, style sheet and icon come from the installed ``fastapi-offline`` package (a
runtime dependency pinned in pyproject, so its version is the one ``pip`` installed and audited),
mounted as static files at :data:`ASSETS_PATH`. The page's start-up code is a same-origin script
(:data:`INIT_PATH`), so its Content-Security-Policy (``nervemap.api.security.DOCS_POLICY``) allows
scripts from this server only and names no other host. The OAuth2 redirect page (FastAPI's, with an
inline script; nervemap's API uses bearer tokens and API keys, not Swagger's OAuth2 flow) sends its
own policy that allows that inline script.
"""

from __future__ import annotations

import json
from html import escape
from importlib import resources

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_oauth2_redirect_html
from fastapi.staticfiles import StaticFiles
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

DOCS_PATH = "/docs"
OAUTH2_REDIRECT_PATH = "/docs/oauth2-redirect"
INIT_PATH = "/docs/swagger-init.js"
ASSETS_PATH = "/static/swagger-ui"  # inside /static: cached like the other static files
ASSET_FILES = ("swagger-ui-bundle.js", "swagger-ui.css", "favicon.png")
OAUTH2_REDIRECT_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{title}</title>
<link rel="icon" href="{assets}/favicon.png">
<link rel="stylesheet" href="{assets}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="{init}"></script>
</body>
</html>
"""


def _init_script(openapi_url: str) -> str:
    options = {
        "url": openapi_url,
        "dom_id": "#swagger-ui",
        "layout": "BaseLayout",
        "deepLinking": True,
        "showExtensions": True,
        "showCommonExtensions": True,
    }
    return (
        f"window.ui = SwaggerUIBundle(Object.assign({json.dumps(options)}, {{\n"
        f"  oauth2RedirectUrl: window.location.origin + {json.dumps(OAUTH2_REDIRECT_PATH)},\n"
        "  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],\n"
        "}));\n"
    )


def install(app: FastAPI) -> None:
    """Add ``/docs``, its start-up script, its OAuth2 redirect page and the Swagger UI files to
    ``app`` (created with ``docs_url=None``). Mount before the web pages' ``/static`` so this
    prefix is matched first."""
    assets = StaticFiles(directory=str(resources.files("fastapi_offline") / "static"))
    app.mount(ASSETS_PATH, assets, name="swagger-ui")
    page = PAGE.format(title=escape(f"{app.title} - API documentation"), assets=ASSETS_PATH, init=INIT_PATH)
    script = _init_script(app.openapi_url or "/openapi.json")

    async def docs(_: Request) -> HTMLResponse:
        return HTMLResponse(page)

    async def init(_: Request) -> Response:
        return Response(script, media_type="text/javascript")

    async def oauth2_redirect(_: Request) -> HTMLResponse:
        redirect = get_swagger_ui_oauth2_redirect_html()
        redirect.headers["Content-Security-Policy"] = OAUTH2_REDIRECT_POLICY
        return redirect

    app.add_route(DOCS_PATH, docs, include_in_schema=False)
    app.add_route(INIT_PATH, init, include_in_schema=False)
    app.add_route(OAUTH2_REDIRECT_PATH, oauth2_redirect, include_in_schema=False)
