from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from nervemap.engine.case import Case

GOLDEN = Path(__file__).parents[1] / "golden" / "fhir"
EXAMPLES = Path(__file__).parents[2] / "src" / "nervemap" / "examples"


def golden(name: str) -> Any:
    """A fresh copy of a committed golden payload (tests may edit it)."""
    return json.loads((GOLDEN / name).read_text(encoding="utf-8"))


def example_case(name: str) -> Case:
    return Case.model_validate_json((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
