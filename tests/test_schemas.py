"""The published JSON Schemas match the models that produce and read the data."""

from __future__ import annotations

from pathlib import Path

import pytest

from nervemap.schemas import SCHEMAS, render

DOCS = Path(__file__).resolve().parents[1] / "docs" / "schemas"


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_published_schema_is_current(name: str) -> None:
    published = (DOCS / f"{name}.schema.json").read_text(encoding="utf-8")
    assert published == render(name), "run: .venv/bin/python scripts/export_schemas.py"
