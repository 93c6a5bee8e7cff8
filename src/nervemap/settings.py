"""Service settings, read from ``NERVEMAP_*`` environment variables (or a ``.env`` file).

Defaults (all overridable):

- ``NERVEMAP_DATA_DIR`` = ``./data``: holds the SQLite database and the generated secret key.
- ``NERVEMAP_DATABASE_URL`` = ``sqlite:///<data_dir>/nervemap.db`` (WAL mode); or
  ``postgresql+psycopg://user@host:5432/db``.
- ``NERVEMAP_SQLITE_SYNCHRONOUS`` = ``full``: each SQLite commit is on disk before it returns;
  ``normal`` syncs at WAL checkpoints only (faster writes; a power cut or OS crash can undo the last
  acknowledged commits, never corrupt the file). See ``nervemap.store.db``.
- ``NERVEMAP_SECRET_KEY``: signs bearer tokens; if unset, a random key is generated once and kept
  in ``<data_dir>/secret_key`` (mode 0600), so tokens survive a restart.
- ``NERVEMAP_HOST`` = ``127.0.0.1``, ``NERVEMAP_PORT`` = ``8000``.
- ``NERVEMAP_MAX_BODY_BYTES`` = 1 MiB: larger request bodies get a 413 problem.
- ``NERVEMAP_LINK_EXPIRY_HOURS`` = 72: lifetime of a patient link.
- ``NERVEMAP_TOKEN_EXPIRY_MINUTES`` = 60: lifetime of a login bearer token.
- ``NERVEMAP_MIGRATE_ON_STARTUP`` = true: upgrade the database to the latest schema on start-up.
- ``NERVEMAP_REQUEST_TIMEOUT_SECONDS`` = 30: a request not answered in time gets a 503 problem
  (nothing is stored: see ``nervemap.api.timeouts``).
- ``NERVEMAP_LOGIN_IP_BURST`` = 20 and ``NERVEMAP_LOGIN_IP_PER_MINUTE`` = 10: login attempts per
  client IP (token bucket: burst, then the refill rate); beyond, 429 with ``Retry-After``.
- ``NERVEMAP_LOGIN_ACCOUNT_BURST`` = 5 and ``NERVEMAP_LOGIN_ACCOUNT_PER_MINUTE`` = 2: login
  attempts per account (email); a successful login gives its token back.
- ``NERVEMAP_INTERVIEW_IP_BURST`` = 10 and ``NERVEMAP_INTERVIEW_IP_PER_MINUTE`` = 5: interviews
  started without a bearer token, per client IP.
- ``NERVEMAP_RATE_LIMIT_MAX_KEYS`` = 10000: buckets kept per kind (least recently used dropped).
- ``NERVEMAP_RATE_LIMIT_FILE``: unset, each process keeps its buckets in memory; a path, the
  processes of one host share them in that SQLite file (``nervemap serve --workers N`` sets
  ``<data_dir>/ratelimits.db``).
- ``NERVEMAP_CALLER_CACHE_SECONDS`` = 1: how long a process remembers who a bearer token names; a
  token ended in another ``--workers`` process stays usable here for up to that long. 0: no caching
  (every request reads the user; see ``nervemap.services.accounts.CallerCache``).
- ``NERVEMAP_HSTS_MAX_AGE_SECONDS`` = 31536000: Strict-Transport-Security on HTTPS; 0 turns it off.
- ``NERVEMAP_EMERGENCY_NUMBER`` = ``999``: the emergency telephone number the patient pages offer as
  a call button (``tel:`` link) when the answers call for emergency care (112, 911... elsewhere).
- ``NERVEMAP_CDS_CLIENTS_FILE``: YAML/JSON naming the CDS Hooks clients (JWT issuer and JWKS) and
  the FHIR servers nervemap may query for a prefetch (see ``nervemap.interop.cds_config``); unset:
  none, so CDS Hooks callers use a token or API key and must send the prefetch.
- ``NERVEMAP_PUBLIC_BASE_URL``: the address patients reach nervemap at (``https://nervemap.example.org``
  or with a path prefix), used for every link nervemap hands out (invitations, check-in links). An
  absolute http(s) URL without query, fragment or user name. Unset, a link carries the request's own
  address only when its ``Host`` is this machine (``localhost``, ``127.0.0.1``, ``::1``); otherwise
  the page shows the path alone (``/start?link=...``), never a host a caller named
  (``nervemap.web.links``).
- ``NERVEMAP_CONTENT_SECURITY_POLICY``: default allows only the server's own scripts, styles and
  images, nothing inline, no framing.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SECRET_FILE = "secret_key"
DATABASE_FILE = "nervemap.db"
DEFAULT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NERVEMAP_", env_file=".env", extra="ignore")

    data_dir: Path = Field(default=Path("data"), description="Folder for the SQLite file and secret key")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; default SQLite in data_dir")
    sqlite_synchronous: Literal["full", "normal"] = Field(
        default="full",
        description="SQLite commits: full (each on disk) or normal (faster; a power cut may undo the last)",
    )
    secret_key: SecretStr | None = Field(default=None, description="Token signing key; default generated")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    max_body_bytes: int = Field(default=1_048_576, ge=1024, description="Largest accepted request body")
    link_expiry_hours: float = Field(default=72, gt=0, le=24 * 90)
    invitation_max_uses: int = Field(
        default=1, ge=0, le=1000, description="Interviews one invitation link may start; 0: any number"
    )
    token_expiry_minutes: float = Field(default=60, gt=0, le=24 * 60)
    caller_cache_seconds: float = Field(
        default=1.0, ge=0, le=60, description="How long a token's user is remembered per process; 0: never"
    )
    migrate_on_startup: bool = True
    warm_text_reader: bool = Field(
        default=True, description="Read a warm-up note when the app is built, so the first note is not slow"
    )
    request_timeout_seconds: float = Field(default=30, gt=0, le=600, description="Time limit per request")
    login_ip_burst: int = Field(default=20, ge=1, description="Login attempts at once per client IP")
    login_ip_per_minute: float = Field(default=10, ge=0, description="Login refill per client IP")
    login_account_burst: int = Field(default=5, ge=1, description="Login attempts at once per account")
    login_account_per_minute: float = Field(default=2, ge=0, description="Login refill per account")
    interview_ip_burst: int = Field(default=10, ge=1, description="Anonymous interview starts per IP")
    interview_ip_per_minute: float = Field(default=5, ge=0, description="Anonymous interview refill")
    rate_limit_max_keys: int = Field(default=10_000, ge=100, description="Buckets kept per kind")
    rate_limit_file: Path | None = Field(default=None, description="Buckets shared by the host's workers")
    hsts_max_age_seconds: int = Field(default=31_536_000, ge=0, description="0: no HSTS header")
    content_security_policy: str = Field(default=DEFAULT_CSP, min_length=1)
    cds_clients_file: Path | None = Field(default=None, description="CDS Hooks clients and FHIR servers")
    emergency_number: str = Field(
        default="999", pattern=r"^[0-9+][0-9 ]{1,19}$", description="Called from the emergency page"
    )
    public_base_url: str | None = Field(
        default=None, description="Address patients reach nervemap at, for the links it hands out"
    )

    @field_validator("public_base_url")
    @classmethod
    def _absolute_http_url(cls, value: str | None) -> str | None:
        """An absolute http(s) URL with a host and nothing a link must not carry (query, fragment,
        user name or password); kept without its trailing slash."""
        if value is None or not value.strip():
            return None
        value = value.strip()
        try:
            parts = urlsplit(value)
            parts.port  # noqa: B018 - raises ValueError on a bad port
        except ValueError as error:
            raise ValueError(f"not a URL: {error}") from None
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ValueError("must be an absolute http:// or https:// URL with a host")
        if parts.query or parts.fragment or "?" in value or "#" in value:
            raise ValueError("must not have a query or fragment")
        if parts.username is not None or parts.password is not None:
            raise ValueError("must not carry a user name or password")
        if any(char.isspace() for char in value):
            raise ValueError("must not contain white space")
        return value.rstrip("/")

    def sqlalchemy_url(self) -> str:
        """The database URL, defaulting to a SQLite file inside the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / DATABASE_FILE).as_posix()}"

    def signing_key(self) -> bytes:
        """The configured secret key, or one generated on first use and kept in the data folder."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value().encode()
        path = self.data_dir / SECRET_FILE
        if not path.is_file():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            _publish_once(path, secrets.token_urlsafe(48))
        return path.read_text(encoding="ascii").strip().encode()


def _publish_once(path: Path, content: str) -> None:
    """Create ``path`` (mode 0600) holding ``content`` unless it exists, atomically: the content is
    written to a private temporary file first, then hard-linked into place, so a process that
    loses the race (another worker starting at the same time) never reads a half-written file."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as file:  # mkstemp: mode 0600
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        with contextlib.suppress(FileExistsError):  # another process published first: theirs is kept
            os.link(temporary, path)
    finally:
        os.unlink(temporary)
