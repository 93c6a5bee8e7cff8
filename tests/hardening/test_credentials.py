"""Every credential and body parser refuses bad input with 4xx, never 500 (issue 18, item 1).

- non-ASCII text in a bearer token, an API key, the session, CSRF or interview cookie, or the CSRF
  form field (``hmac.compare_digest`` raises TypeError on non-ASCII str; bytes are compared);
- deeply nested JSON on ``/v1/auth/login`` (the rate limiter reads the body before the route);
- a token whose ``exp`` is ``NaN`` or infinite is refused, not taken for 'never expires';
- a property test: arbitrary unicode in every credential-bearing header, cookie and form field;
- the web sign-in form shares the API login's rate limits (per IP and per account, same buckets).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nervemap.server.tokens import TokenSigner
from tests.api.conftest import assert_problem
from tests.hardening.conftest import ADMIN_EMAIL, CLINICIAN_EMAIL, PASSWORD, Service, build_service

FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
BEARER_ROUTES = (
    ("GET", "/v1/assessments"),
    ("POST", "/v1/assessments"),
    ("POST", "/v1/interviews"),
    ("GET", "/cds-services"),
    ("POST", "/cds-services/nervemap-assess"),
)
COOKIE_PAGES = ("/clinic", "/clinic/login", "/", "/interview")
COOKIES = ("nervemap_session", "nervemap_csrf", "nervemap_interview")
NON_ASCII = ("é", "ü.ß", "Bearer", "💥.💥", "\u00a0", "a.b.é", "ÿ" * 40)


@pytest.fixture
def service(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Service]:
    built = build_service(tmp_path, **getattr(request, "param", {}))
    yield built
    built.app.state.engine.dispose()


@pytest.fixture
def client(service: Service) -> Iterator[TestClient]:
    with TestClient(service.app, raise_server_exceptions=False) as client:
        yield client


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


# ------------------------------------------------------------------ non-ASCII credentials


@pytest.mark.parametrize("text", NON_ASCII)
@pytest.mark.parametrize(("method", "path"), BEARER_ROUTES)
def test_non_ascii_bearer_token_or_api_key_is_401(
    client: TestClient, method: str, path: str, text: str
) -> None:
    for headers in ({"Authorization": f"Bearer {text}".encode()}, {"X-API-Key": text.encode()}):
        answer = client.request(method, path, headers=headers, json={})
        assert answer.status_code == 401, (headers, answer.text[:300])


@pytest.mark.parametrize("text", NON_ASCII)
def test_non_ascii_session_csrf_or_interview_cookie_is_never_500(client: TestClient, text: str) -> None:
    for name in COOKIES:
        for page in COOKIE_PAGES:
            answer = client.get(page, headers={"Cookie": f"{name}={text}".encode()}, follow_redirects=False)
            assert answer.status_code in {200, 303, 404}, (name, page, answer.status_code)
    signed_out = client.get(
        "/clinic", headers={"Cookie": f"nervemap_session={text}".encode()}, follow_redirects=False
    )
    assert signed_out.status_code == 303 and signed_out.headers["location"].startswith("/clinic/login")


@pytest.mark.parametrize("text", NON_ASCII)
def test_non_ascii_csrf_field_is_403(client: TestClient, text: str) -> None:
    page = client.get("/clinic/login")
    form = {"csrf": _csrf(page.text) + text, "email": CLINICIAN_EMAIL, "password": PASSWORD}
    assert client.post("/clinic/login", data=form).status_code == 403
    form["csrf"] = text
    assert client.post("/clinic/login", data=form).status_code == 403


def test_non_ascii_csrf_cookie_is_replaced_and_refused(client: TestClient) -> None:
    page = client.get("/clinic/login", headers={"Cookie": "nervemap_csrf=é".encode()})
    assert page.status_code == 200 and "nervemap_csrf=" in page.headers["set-cookie"]  # a new one
    form = {"csrf": _csrf(page.text), "email": CLINICIAN_EMAIL, "password": PASSWORD}
    answer = client.post("/clinic/login", data=form, headers={"Cookie": "nervemap_csrf=é".encode()})
    assert answer.status_code == 403


def test_token_signer_refuses_non_ascii_without_raising() -> None:
    signer = TokenSigner(b"key", lifetime_s=60)
    token, _ = signer.issue(uuid.uuid4())
    assert signer.verify(token) is not None
    for text in NON_ASCII:
        assert signer.verify(text) is None
        assert signer.verify(token + text) is None
        assert signer.verify(text + token) is None


# ------------------------------------------------------------------ token expiry


def _signed(claims: str, key: bytes = b"key") -> str:
    payload = _b64(claims.encode())
    mac = _b64(hmac.new(key, payload.encode(), hashlib.sha256).digest())
    return f"{payload}.{mac}"


@pytest.mark.parametrize("exp", ["NaN", "Infinity", "-Infinity", "1e999", '"nan"', '"inf"', '"1e999"'])
def test_a_token_without_a_finite_expiry_is_refused(exp: str) -> None:
    signer = TokenSigner(b"key", lifetime_s=60)
    claims = f'{{"sub": "{uuid.uuid4()}", "iat": 0, "exp": {exp}}}'
    assert signer.verify(_signed(claims), now=1_000.0) is None


def test_a_genuine_finite_expiry_still_counts() -> None:
    signer = TokenSigner(b"key", lifetime_s=60)
    claims = f'{{"sub": "{uuid.uuid4()}", "iat": 0, "exp": 2000.5}}'
    assert signer.verify(_signed(claims), now=1_000.0) is not None
    assert signer.verify(_signed(claims), now=3_000.0) is None


def test_an_infinite_expiry_token_gets_401_from_the_api(client: TestClient, service: Service) -> None:
    key = service.settings.signing_key()
    user = client.get("/v1/assessments", headers=service.clinician)
    assert user.status_code == 200
    token = _signed(f'{{"sub": "{uuid.uuid4()}", "iat": 0, "exp": 1e999}}', key)
    assert client.get("/v1/assessments", headers={"Authorization": f"Bearer {token}"}).status_code == 401


# ------------------------------------------------------------------ body parsers


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 20_000 + b"]" * 20_000,
        b'{"email":' + b"[" * 10_000 + b"]" * 10_000 + b"}",
        b'{"email": {"a":' * 3_000 + b"1" + b"}" * 3_001,
    ],
    ids=["array", "email-array", "objects"],
)
def test_deeply_nested_json_on_login_is_4xx(client: TestClient, body: bytes) -> None:
    answer = client.post("/v1/auth/login", content=body, headers={"Content-Type": "application/json"})
    assert 400 <= answer.status_code < 500, answer.text[:300]
    assert (
        client.post("/v1/auth/login", json={"email": CLINICIAN_EMAIL, "password": PASSWORD}).status_code
        == 200
    )


# ------------------------------------------------------------------ the property test

HEADER_TEXT = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0x10FFFF, exclude_categories=["Cs"]), max_size=40
)
FIELD_TEXT = st.text(max_size=60)  # form fields and JSON take any unicode, control characters too


@FUZZ
@given(text=HEADER_TEXT, route=st.sampled_from(BEARER_ROUTES))
def test_any_unicode_in_a_credential_header_is_401(
    client: TestClient, text: str, route: tuple[str, str]
) -> None:
    method, path = route
    for headers in (
        {"Authorization": f"Bearer {text}".encode()},
        {"Authorization": text.encode()},
        {"X-API-Key": text.encode()},
    ):
        answer = client.request(method, path, headers=headers, json={})
        allowed = {401, 429}
        credential = b"".join(headers.values()).strip()
        presented = (credential.lower().startswith(b"bearer ") and credential[7:].strip()) or (
            "X-API-Key" in headers and credential
        )
        if path == "/v1/interviews" and not presented:
            allowed.add(201)  # no credential presented: an anonymous interview, as documented
        assert answer.status_code in allowed, (headers, answer.status_code, answer.text[:200])


@FUZZ
@given(text=HEADER_TEXT, name=st.sampled_from(COOKIES), page=st.sampled_from(COOKIE_PAGES))
def test_any_unicode_in_a_cookie_is_never_500(client: TestClient, text: str, name: str, page: str) -> None:
    value = text.replace(";", "").encode()
    answer = client.get(page, headers={"Cookie": b"%s=%s" % (name.encode(), value)}, follow_redirects=False)
    assert answer.status_code in {200, 303, 404}, (name, page, answer.status_code)


@FUZZ
@given(csrf=FIELD_TEXT, email=FIELD_TEXT, password=FIELD_TEXT)
def test_any_unicode_in_the_sign_in_form_is_4xx(
    client: TestClient, csrf: str, email: str, password: str
) -> None:
    client.cookies.clear()
    page = client.get("/clinic/login")
    for token in (csrf, _csrf(page.text) + csrf):
        if token == _csrf(page.text):
            continue
        answer = client.post("/clinic/login", data={"csrf": token, "email": email, "password": password})
        assert answer.status_code in {403, 429}, answer.status_code
    answer = client.post(
        "/clinic/login", data={"csrf": _csrf(page.text), "email": email, "password": password}
    )
    assert answer.status_code in {401, 429}, answer.status_code


@FUZZ
@given(email=FIELD_TEXT, password=FIELD_TEXT)
def test_any_unicode_in_the_api_login_is_4xx(client: TestClient, email: str, password: str) -> None:
    answer = client.post("/v1/auth/login", json={"email": email, "password": password})
    assert answer.status_code in {401, 422, 429}, answer.text[:200]
    raw = client.post(
        "/v1/auth/login",
        content=json.dumps({"email": email, "password": password}, ensure_ascii=False).encode(
            "utf-8", "surrogatepass"
        ),
        headers={"Content-Type": "application/json"},
    )
    assert 400 <= raw.status_code < 500, raw.text[:200]


# ------------------------------------------------------------------ one login policy for API and web


def _web_login(client: TestClient, email: str, password: str = "wrong password!") -> Any:
    page = client.get("/clinic/login")
    form = {"csrf": _csrf(page.text), "email": email, "password": password, "next": "/clinic"}
    return client.post("/clinic/login", data=form, follow_redirects=False)


def _api_login(client: TestClient, email: str, password: str = "wrong password!") -> Any:
    return client.post("/v1/auth/login", json={"email": email, "password": password})


LIMITED_ACCOUNT = {"login_account_burst": 3, "login_account_per_minute": 1}


@pytest.mark.parametrize("service", [LIMITED_ACCOUNT], indirect=True)
def test_web_login_is_limited_per_account(client: TestClient) -> None:
    assert [_web_login(client, CLINICIAN_EMAIL).status_code for _ in range(3)] == [401] * 3
    refused = _web_login(client, CLINICIAN_EMAIL.upper(), PASSWORD)  # the right password too
    assert refused.status_code == 429
    assert refused.headers["content-type"].startswith("text/html")
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert "Too many sign-in attempts" in refused.text and "nervemap_session" not in refused.headers.get(
        "set-cookie", ""
    )
    assert _web_login(client, ADMIN_EMAIL).status_code == 401  # another account is not held up


@pytest.mark.parametrize("service", [LIMITED_ACCOUNT], indirect=True)
def test_an_account_locked_through_the_api_is_locked_on_the_web_form(client: TestClient) -> None:
    assert [_api_login(client, CLINICIAN_EMAIL).status_code for _ in range(3)] == [401] * 3
    assert _web_login(client, CLINICIAN_EMAIL, PASSWORD).status_code == 429


@pytest.mark.parametrize("service", [LIMITED_ACCOUNT], indirect=True)
def test_an_account_locked_through_the_web_form_is_locked_on_the_api(client: TestClient) -> None:
    assert [_web_login(client, CLINICIAN_EMAIL).status_code for _ in range(3)] == [401] * 3
    assert_problem(_api_login(client, CLINICIAN_EMAIL, PASSWORD), 429, "body.email")


@pytest.mark.parametrize("service", [{"login_ip_burst": 4, "login_ip_per_minute": 0}], indirect=True)
def test_web_login_is_limited_per_client_ip(client: TestClient) -> None:
    statuses = [_web_login(client, f"user{i}@example.org").status_code for i in range(2)]
    statuses += [_api_login(client, f"user{i}@example.org").status_code for i in range(2, 4)]
    assert statuses == [401] * 4
    refused = _web_login(client, CLINICIAN_EMAIL, PASSWORD)
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) == 3600


@pytest.mark.parametrize(
    "service", [{"login_account_burst": 2, "login_account_per_minute": 0}], indirect=True
)
def test_successful_web_logins_do_not_use_up_the_account(client: TestClient) -> None:
    for _ in range(5):
        client.cookies.clear()
        answer = _web_login(client, CLINICIAN_EMAIL, PASSWORD)
        assert answer.status_code == 303 and answer.headers["location"] == "/clinic"


# ------------------------------------------------------------------ anonymous web writes


def _web_start(client: TestClient) -> Any:
    home = client.get("/")
    return client.post("/start", data={"csrf": _csrf(home.text)}, follow_redirects=False)


@pytest.mark.parametrize("service", [{"interview_ip_burst": 3, "interview_ip_per_minute": 0}], indirect=True)
def test_anonymous_web_starts_share_the_api_interview_limit(client: TestClient, service: Service) -> None:
    assert client.post("/v1/interviews", json={"mode": "patient"}).status_code == 201
    assert [_web_start(client).status_code for _ in range(2)] == [303, 303]
    refused = _web_start(client)
    assert refused.status_code == 429 and refused.headers["content-type"].startswith("text/html")
    assert int(refused.headers["retry-after"]) == 3600 and "get medical help now" in refused.text
    assert client.post("/v1/interviews", json={"mode": "patient"}).status_code == 429
    # a clinician's own (authenticated) API interview is not held up
    assert (
        client.post("/v1/interviews", json={"mode": "clinician"}, headers=service.clinician).status_code
        == 201
    )


@pytest.mark.parametrize("service", [{"interview_ip_burst": 2, "interview_ip_per_minute": 0}], indirect=True)
def test_consultation_requests_are_limited_per_client_ip(client: TestClient) -> None:
    page = client.get("/")
    form = {"csrf": _csrf(page.text), "name": "A", "contact": "a@example.org", "consent": "on"}
    statuses = [
        client.post("/interview/consultation", data=form, follow_redirects=False).status_code
        for _ in range(3)
    ]
    assert statuses[:2] != [429, 429] and statuses[2] == 429  # the third is refused before the route


@pytest.mark.parametrize("service", [{"interview_ip_burst": 2, "interview_ip_per_minute": 0}], indirect=True)
def test_follow_up_checkin_starts_share_the_anonymous_interview_limit(client: TestClient) -> None:
    """A check-in from an episode link starts an anonymous interview like /start (issue 19)."""
    page = client.get("/")
    form = {"csrf": _csrf(page.text), "link": "not-a-real-link"}
    statuses = [
        client.post("/checkin/start", data=form, follow_redirects=False).status_code for _ in range(3)
    ]
    assert statuses[:2] == [404, 404] and statuses[2] == 429  # the third is refused before the route
