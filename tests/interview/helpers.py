"""Shared helpers for the interview tests: golden cases and a scripted respondent."""

from __future__ import annotations

import json
from pathlib import Path

from nervemap.engine.case import Case
from nervemap.interview import InterviewSession
from nervemap.interview.respondent import respond

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "cases.jsonl"


def golden(case_id: str) -> Case:
    for line in GOLDEN.read_text().splitlines():
        row = json.loads(line)
        if row["id"] == case_id:
            return Case.model_validate(row["case"])
    raise KeyError(case_id)


def run(session: InterviewSession, case: Case, limit: int = 40) -> list[str]:
    """Answer the session's questions from ``case`` until it stops; the ids asked, in order."""
    asked: list[str] = []
    while (question := session.next_question()) is not None and len(asked) < limit:
        asked.append(question.id)
        session.answer(question.id, respond(question, case))
    return asked
