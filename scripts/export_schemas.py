"""Write docs/schemas/*.schema.json from the models (a test checks they are up to date)."""

from __future__ import annotations

from pathlib import Path

from nervemap.schemas import SCHEMAS, render

if __name__ == "__main__":
    folder = Path(__file__).resolve().parents[1] / "docs" / "schemas"
    folder.mkdir(parents=True, exist_ok=True)
    for name in SCHEMAS:
        (folder / f"{name}.schema.json").write_text(render(name), encoding="utf-8")
        print(f"wrote docs/schemas/{name}.schema.json")
