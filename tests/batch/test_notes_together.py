"""Issue 16: a partition's notes are read through spaCy together (``nlp.extract_many``) and give
exactly the records that reading each note alone with ``nlp.extract`` gives."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from nervemap.batch import work
from nervemap.batch.formats import OutputFormat
from nervemap.batch.records import read_record
from tests.batch.conftest import NOTES


def test_notes_read_together_are_the_notes_read_alone(tmp_path: Path) -> None:
    records: list[dict[str, Any]] = [
        *({"id": f"n{i}", "text": text} for i, text in enumerate(NOTES)),
        {"id": "again", "text": NOTES[0]},  # the same text twice
        {"id": "ed", "text": NOTES[4], "setting": "emergency"},
        {"id": "spine", "text": NOTES[1], "setting": "spine-clinic"},
        {"id": "empty", "text": "   "},
        {"id": "bad-setting", "text": NOTES[2], "setting": "moon"},
        {"id": "extra", "text": "LBP", "author": "x"},
        {"id": "case", "age": 50, "findings": [{"id": "back_pain"}]},
    ]
    task = work.PartTask(
        number=0,
        first_record=10,
        folder=str(tmp_path),
        output=OutputFormat.JSONL,
        lines=[json.dumps(r) for r in records],
    )
    together = work._parse_all(task, work.knowledge_for(None))
    alone = [read_record(10 + i, r) for i, r in enumerate(records)]
    assert together == alone
    assert sum(p.case is not None for p in together) == len(NOTES) + 5
