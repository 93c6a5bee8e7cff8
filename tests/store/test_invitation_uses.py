"""Invitation uses are taken atomically (issue 18 item 3): two starts holding the same link, each in
its own session, cannot both take its last use; a revoked or expired link gives no use."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from nervemap.store.db import make_engine
from nervemap.store.interviews import InvitationRepository
from nervemap.store.migrate import upgrade_database
from nervemap.store.models import PatientLink, Role
from nervemap.store.types import utcnow
from nervemap.store.users import UserRepository
from tests.store.backends import BACKENDS, scratch_database


@pytest.mark.parametrize("name", BACKENDS)
def test_two_sessions_cannot_both_take_the_last_use(name: str, tmp_path: Path) -> None:
    with scratch_database(name, tmp_path) as url:
        upgrade_database(url)
        engine = make_engine(url)
        try:
            with Session(engine) as setup:
                user = UserRepository(setup).add("c@example.org", Role.CLINICIAN, "x")
                link, _ = InvitationRepository(setup).issue(
                    created_by=user.id, expires_at=utcnow() + timedelta(hours=1), max_uses=1
                )
                setup.commit()
                link_id = link.id
            # Both load the link while it has a use left (SQLite: one writer at a time, so each
            # read ends before the other session writes; the loaded objects stay as read).
            with (
                Session(engine, expire_on_commit=False) as first,
                Session(engine, expire_on_commit=False) as second,
            ):
                theirs = second.get(PatientLink, link_id)
                second.commit()
                mine = first.get(PatientLink, link_id)
                assert mine is not None and theirs is not None
                assert (
                    InvitationRepository.unusable(mine) is None
                    and InvitationRepository.unusable(theirs) is None
                )
                assert InvitationRepository(first).use(mine)
                first.commit()
                assert theirs.uses == 0  # stale: it still looks usable to the second start
                assert not InvitationRepository(second).use(theirs)
                assert InvitationRepository.unusable(theirs) == "used"
                second.commit()
            with Session(engine) as check:
                stored = check.get(PatientLink, link_id)
                assert stored is not None and stored.uses == 1
                stored.max_uses = None
                links = InvitationRepository(check)
                assert links.use(stored) and links.use(stored)
                assert links.revoke(stored) and not links.revoke(stored)
                assert not links.use(stored) and InvitationRepository.unusable(stored) == "revoked"
                stored.revoked_at, stored.expires_at = None, utcnow() - timedelta(seconds=1)
                check.flush()
                assert not links.use(stored) and InvitationRepository.unusable(stored) == "expired"
        finally:
            engine.dispose()
