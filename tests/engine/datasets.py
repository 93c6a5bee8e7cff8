"""Every golden, development and root-level case as a Case (notes read once by the text pipeline)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from nervemap.engine.case import Case

ROOT = Path(__file__).resolve().parents[2]
SETS = ("tests/golden/cases.jsonl", "tests/data/devset.jsonl", "tests/data/rootset.jsonl")


@cache
def all_cases() -> tuple[Case, ...]:
    """Golden cases as given; development and root-level notes read by the text pipeline."""
    from nervemap.nlp import extract

    cases: list[Case] = []
    for name in SETS:
        for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row: dict[str, Any] = json.loads(line)
            cases.append(Case.model_validate(row["case"]) if "case" in row else extract(row["text"]).case)
    return tuple(cases)
