"""Readiness (issue 17): whether the database answers and its schema is this version's."""

from __future__ import annotations

from functools import cache

from alembic.runtime.migration import MigrationContext
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from nervemap.services.errors import Unavailable
from nervemap.store.db import begin_read
from nervemap.store.migrate import head_revision

NOT_AT_HEAD = (
    "the database schema is not at this version's (an empty or older database): run"
    " `nervemap db upgrade`, or start with NERVEMAP_MIGRATE_ON_STARTUP=true"
)


@cache
def expected_revision() -> str | None:
    """The schema revision this version works with (the packaged migrations' head), read once."""
    return head_revision()


def check_ready(db: Session) -> None:
    """Nothing when ready; :class:`Unavailable` (kind ``not-ready``) when the database cannot be
    reached or its schema is not the one this version expects (so logins could not work)."""
    try:
        begin_read(db)  # no write lock for a probe
        revision = MigrationContext.configure(db.connection()).get_current_revision()
    except SQLAlchemyError as error:
        raise Unavailable("the database is unreachable", kind="not-ready", title="Not ready") from error
    if revision != expected_revision():
        raise Unavailable(NOT_AT_HEAD, kind="not-ready", title="Not ready")
