"""Issue 18 item 4: /docs loads Swagger UI from this server (the installed package), not a CDN."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from fastapi.testclient import TestClient

from nervemap.api.docs import ASSET_FILES, ASSETS_PATH, INIT_PATH


class _References(HTMLParser):
    """Every URL the page makes the browser load: script src, link href, img src."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and name in {"src", "href"}:
                self.urls.append(value)


def _references(html: str) -> list[str]:
    parser = _References()
    parser.feed(html)
    return parser.urls


def test_docs_references_only_same_origin_assets_that_answer(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    urls = _references(page.text)
    assert {url.rsplit("/", 1)[-1] for url in urls} == {*ASSET_FILES, INIT_PATH.rsplit("/", 1)[-1]}
    for url in urls:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc, url  # a path on this server, no CDN
        assert url.startswith(f"{ASSETS_PATH}/") or url == INIT_PATH, url
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert len(asset.content) > 100, url
    assert "cdn." not in page.text and "jsdelivr" not in page.text and "unpkg" not in page.text
    assert not re.search(r"<script>|<script [^>]*>[^<]", page.text)  # no inline script
    # the start-up script loads the OpenAPI document from this server too
    init = client.get(INIT_PATH)
    assert init.headers["content-type"].startswith("text/javascript")
    assert '"url": "/openapi.json"' in init.text


def test_swagger_ui_is_version_5_which_renders_openapi_3_1(client: TestClient) -> None:
    """FastAPI writes OpenAPI 3.1; Swagger UI 4 refuses to render it ("no valid version field")."""
    assert client.get("/openapi.json").json()["openapi"].startswith("3.1")
    bundle = client.get(f"{ASSETS_PATH}/swagger-ui-bundle.js")
    assert bundle.headers["content-type"].startswith(("application/javascript", "text/javascript"))
    assert re.search(r'"5\.\d+\.\d+"', bundle.text)


def test_the_oauth2_redirect_page_answers(client: TestClient) -> None:
    page = client.get("/docs/oauth2-redirect")
    assert page.status_code == 200
    policy = page.headers["content-security-policy"]  # its own: FastAPI's page has an inline script
    assert "script-src 'self' 'unsafe-inline'" in policy and "https:" not in policy
    assert not [url for url in _references(page.text) if urlsplit(url).netloc]
