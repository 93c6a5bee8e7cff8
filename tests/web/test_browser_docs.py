"""Browser test (issue 18 item 4): /docs renders the API from same-origin Swagger UI files under
its Content-Security-Policy, with no request to another host and no CSP violation."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

pytest.importorskip("playwright", reason="browser tests need playwright: pip install -e '.[dev]'")

from playwright.sync_api import ConsoleMessage, Page, Request, expect

from tests.web.conftest import LiveServer


def test_docs_render_from_this_server_only(page: Page, live_server: LiveServer) -> None:
    origin = urlsplit(live_server.url).netloc
    requested: list[str] = []
    problems: list[str] = []

    def on_request(request: Request) -> None:
        requested.append(request.url)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(message.text)

    page.on("request", on_request)
    page.on("console", on_console)
    page.goto(live_server.url + "/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("nervemap", timeout=20_000)
    expect(page.locator(".opblock").first).to_be_visible()
    elsewhere = [url for url in requested if not url.startswith("data:") and urlsplit(url).netloc != origin]
    assert not elsewhere, elsewhere
    assert not [text for text in problems if "Content Security Policy" in text], problems
