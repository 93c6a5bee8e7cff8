"""Limits on what people type that every front end applies alike (issue 18): the API's request
schemas and the web forms read the same constant and the same reason, so neither accepts what the
other refuses."""

from __future__ import annotations

MAX_COMMENT_CHARS = 5_000
"""A review comment (assessment or episode): 1 to 5,000 characters."""


def comment_problem(comment: str) -> str | None:
    """Why a review comment is refused (a sentence naming the field and the reason, without the
    capital and full stop), or None when it is acceptable."""
    if not comment.strip():
        return f"the comment is required (1 to {MAX_COMMENT_CHARS:,} characters)"
    if len(comment) > MAX_COMMENT_CHARS:
        return f"the comment is too long ({len(comment):,} characters; {MAX_COMMENT_CHARS:,} at most)"
    return None
