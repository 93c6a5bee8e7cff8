"""CDS Hooks feedback (issue 17): what a clinician did with each card, stored and audited."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from nervemap.store.audit import AuditLog
from nervemap.store.cds_feedback import CdsFeedbackRepository, NewFeedback

__all__ = ["NewFeedback", "store_feedback"]


def store_feedback(db: Session, items: Sequence[NewFeedback], actor: str) -> int:
    """Every outcome stored and audited (card uuid and outcome only: the comment is not audited)."""
    feedback = CdsFeedbackRepository(db)
    audit = AuditLog(db)
    for item in items:
        feedback.add(item, actor)
        audit.record(actor, f"cds.feedback.{item.outcome}", f"card:{item.card_uuid}")
    db.commit()
    return len(items)
