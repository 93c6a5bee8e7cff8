from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from nervemap.knowledge.models import TRIAGE_ORDER

REPO = Path(__file__).resolve().parents[2]
DEVSET = REPO / "tests" / "data" / "devset.jsonl"
SCRIPT = REPO / "scripts" / "derive_devset.py"
CASES = REPO.parent / "shared" / "cases" / "public"
CONDITIONS = REPO / "src" / "nervemap" / "knowledge" / "data" / "conditions"
LEVELS = {str(level) for level in TRIAGE_ORDER}


def load() -> list[dict[str, Any]]:
    return [json.loads(line) for line in DEVSET.read_text(encoding="utf-8").splitlines() if line]


def condition_ids() -> set[str]:
    return {yaml.safe_load(p.read_text())["id"] for p in CONDITIONS.glob("*.yaml")}


def test_devset_parses_and_ids_are_unique() -> None:
    rows = load()
    assert len(rows) > 100
    assert len({r["id"] for r in rows}) == len(rows)
    for r in rows:
        assert r["text"].strip() or not r["in_scope"]
        assert set(r["source"]) == {"dataset", "case_id", "repo", "path", "commit", "item_id"}
        e = r["expect"]
        assert set(e) >= {"icd10_any", "condition", "source", "root", "side", "triage_ok", "is_emergency"}
        assert set(e["triage_ok"]) <= LEVELS
        assert e["source"] in (None, "spinal", "non-spinal")
        assert e["side"] in (None, "left", "right")
        assert r["derivation"]


def test_every_in_scope_case_has_a_known_condition_and_icd10() -> None:
    known = condition_ids()
    scoped = [r for r in load() if r["in_scope"]]
    assert len(scoped) >= 80
    for r in scoped:
        e = r["expect"]
        assert e["condition"] in known, r["id"]
        assert e["icd10_any"], r["id"]
        assert e["triage_ok"], r["id"]
        assert e["source"] in ("spinal", "non-spinal"), r["id"]
        if e["is_emergency"]:
            assert e["triage_ok"] == ["emergency"], r["id"]


def test_exam_text_has_no_question_and_no_options() -> None:
    for r in load():
        if r["source"]["dataset"] in ("medqa", "casimedicos", "medmcqa"):
            assert "which of the following" not in r["text"].lower(), r["id"]
            assert not r["text"].rstrip().endswith("?"), r["id"]


def test_mtsamples_text_has_no_diagnosis_sections() -> None:
    for r in load():
        if r["source"]["dataset"] == "mtsamples":
            upper = r["text"]
            for heading in ("IMPRESSION:", "ASSESSMENT:", "POSTOPERATIVE DIAGNOSIS", "PLAN:"):
                assert heading not in upper, (r["id"], heading)


def test_no_duplicate_vignettes() -> None:
    exams = [r for r in load() if r["text"] and r["source"]["dataset"] != "mtsamples"]
    firsts = Counter(" ".join(r["text"].lower().split()[:18]) for r in exams)
    dupes = [k for k, n in firsts.items() if n > 1 and len(k.split()) >= 18]
    assert not dupes


@pytest.mark.skipif(not CASES.exists(), reason="public cases not available")
def test_derive_devset_is_deterministic(tmp_path: Path) -> None:
    outs = []
    for name in ("a.jsonl", "b.jsonl"):
        out = tmp_path / name
        subprocess.run([sys.executable, str(SCRIPT), str(CASES), "--out", str(out), "--quiet"], check=True)
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    assert outs[0] == DEVSET.read_bytes(), "tests/data/devset.jsonl is stale: rerun the script"
