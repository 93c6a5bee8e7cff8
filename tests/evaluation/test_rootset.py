from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from nervemap.evaluation.metrics import Expectation
from nervemap.knowledge.models import TRIAGE_ORDER, SiteKind

REPO = Path(__file__).resolve().parents[2]
ROOTSET = REPO / "tests" / "data" / "rootset.jsonl"
SCRIPT = REPO / "scripts" / "derive_rootset.py"
EXTRA = REPO / "scripts" / "rootset_extra.jsonl"
HOLDOUT_SOURCE = REPO / "scripts" / "rootset_holdout.jsonl"
HOLDOUT = REPO / "tests" / "data" / "rootset_holdout.jsonl"
HOLDOUT2_SOURCE = REPO / "scripts" / "holdout2.jsonl"
HOLDOUT2 = REPO / "tests" / "data" / "holdout2.jsonl"
HOLDOUT3_SOURCE = REPO / "scripts" / "holdout3.jsonl"
HOLDOUT3 = REPO / "tests" / "data" / "holdout3.jsonl"
HOLDOUT4_SOURCE = REPO / "scripts" / "holdout4.jsonl"
HOLDOUT4 = REPO / "tests" / "data" / "holdout4.jsonl"
HOLDOUT5_SOURCE = REPO / "scripts" / "holdout5.jsonl"
HOLDOUT5 = REPO / "tests" / "data" / "holdout5.jsonl"
CASES = REPO.parent / "shared" / "cases" / "public"
KB = REPO / "src" / "nervemap" / "knowledge" / "data"
LEVELS = {str(level) for level in TRIAGE_ORDER}


def load() -> list[dict[str, Any]]:
    return [json.loads(line) for line in ROOTSET.read_text(encoding="utf-8").splitlines() if line]


def condition_ids() -> set[str]:
    return {yaml.safe_load(p.read_text())["id"] for p in (KB / "conditions").glob("*.yaml")}


def nerve_ids() -> set[str]:
    return {n["id"] for n in yaml.safe_load((KB / "anatomy" / "nerves.yaml").read_text())}


def test_rootset_shape_and_issue_14_floor() -> None:
    rows = load()
    assert len(rows) >= 40
    assert len({r["id"] for r in rows}) == len(rows)
    known, nerves = condition_ids(), nerve_ids()
    for r in rows:
        e = r["expect"]
        assert r["text"].strip() and r["answer"] and r["answer_basis"] and r["derivation"], r["id"]
        assert r["source"]["dataset"] == "rootset" and r["source"]["citation"], r["id"]
        assert e["site"] in {str(k) for k in SiteKind}, r["id"]
        assert e["condition"] is None or e["condition"] in known, r["id"]
        assert e["condition"] or e["icd10_any"], r["id"]
        assert set(e["triage_ok"]) <= LEVELS and e["triage_ok"], r["id"]
        assert e["source"] in ("spinal", "non-spinal"), r["id"]
        assert e["side"] in (None, "left", "right"), r["id"]
        assert (e["root"] is not None) == (e["site"] == "root"), r["id"]
        if e["site"] == "peripheral-nerve":
            assert e["nerve"] in nerves, r["id"]
            assert e["source"] == "non-spinal", r["id"]
        if e["site"] == "root":
            assert e["source"] == "spinal", r["id"]
        Expectation.from_dict(e)  # the runner can read it
    roots = Counter(r["expect"]["root"] for r in rows)
    assert all(roots[root] >= 6 for root in ("L4", "L5", "S1")), roots
    mimics = [r for r in rows if r["expect"]["site"] in ("peripheral-nerve", "plexus")]
    assert len(mimics) >= 10
    sides = Counter(r["expect"]["side"] for r in rows)
    assert sides["left"] >= 10 and sides["right"] >= 10


def test_sacroiliac_cases_follow_the_knowledge_base_category() -> None:
    category = yaml.safe_load((KB / "conditions" / "sacroiliac_joint_pain.yaml").read_text())["category"]
    sij = [r for r in load() if r["expect"]["condition"] == "sacroiliac_joint_pain"]
    assert sij and all(r["expect"]["source"] == category for r in sij)


def test_extra_cases_cite_a_source_and_how_the_level_was_established() -> None:
    rows = [json.loads(line) for line in EXTRA.read_text(encoding="utf-8").splitlines() if line]
    assert rows
    for r in rows:
        assert r["source"] and r["url"].startswith("http"), r["case_id"]
        assert r["answer_basis"], r["case_id"]
        # facts before the diagnosis only: the text never names the proven root
        root = r["answer"]["root"]
        if root:
            assert f"{root} radiculopathy" not in r["text"] and f"{root} root" not in r["text"]


@pytest.mark.skipif(not (CASES / "root_level.jsonl").exists(), reason="shared cases not available")
def test_rootset_is_reproducible_from_the_script(tmp_path: Path) -> None:
    out = tmp_path / "rootset.jsonl"
    subprocess.run([sys.executable, str(SCRIPT), str(CASES), "--out", str(out), "--quiet"], check=True)
    assert out.read_bytes() == ROOTSET.read_bytes(), "tests/data/rootset.jsonl is stale: rerun the script"


def read_rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@pytest.mark.parametrize(
    ("source", "derived", "earlier"),
    [
        pytest.param(HOLDOUT_SOURCE, HOLDOUT, (), id="holdout-1"),
        pytest.param(HOLDOUT2_SOURCE, HOLDOUT2, (HOLDOUT,), id="holdout-2"),
        pytest.param(HOLDOUT3_SOURCE, HOLDOUT3, (HOLDOUT, HOLDOUT2), id="holdout-3"),
        pytest.param(HOLDOUT4_SOURCE, HOLDOUT4, (HOLDOUT, HOLDOUT2, HOLDOUT3), id="holdout-4"),
        pytest.param(HOLDOUT5_SOURCE, HOLDOUT5, (HOLDOUT, HOLDOUT2, HOLDOUT3, HOLDOUT4), id="holdout-5"),
    ],
)
def test_holdout_is_reproducible_and_unseen(
    tmp_path: Path, source: Path, derived: Path, earlier: tuple[Path, ...]
) -> None:
    """A hold-out set (published cases measured before anyone tuned on them) comes from its own file and
    shares no case, and no published source, with the development set or an earlier hold-out set."""
    out = tmp_path / derived.name
    command = [sys.executable, str(SCRIPT), "--extra", str(source), "--without-shared", "--out", str(out)]
    subprocess.run([*command, "--quiet"], check=True)
    assert out.read_bytes() == derived.read_bytes(), f"tests/data/{derived.name} is stale: rerun the script"
    rows = read_rows(out)
    assert len(rows) == len(source.read_text(encoding="utf-8").splitlines())
    seen = load() + [row for path in earlier for row in read_rows(path)]
    assert not {r["id"] for r in rows} & {r["id"] for r in seen}, "a case is in two sets"
    urls = {r["source"]["url"] for r in rows}
    assert not urls & {r["source"].get("url") for r in seen}, "a published case is already in another set"
    for row in rows:
        expect = row["expect"]
        # an emergency label and the accepted triage levels must agree, or 'unsafe' is ill-defined
        assert expect["is_emergency"] == (expect["triage_ok"] == ["emergency"]), row["id"]


@pytest.mark.skipif(not (CASES / "root_level.jsonl").exists(), reason="shared cases not available")
def test_script_names_the_bad_field(tmp_path: Path) -> None:
    bad = tmp_path / "extra.jsonl"
    row = json.loads(EXTRA.read_text(encoding="utf-8").splitlines()[0])
    row["answer"]["site"] = "spine"
    bad.write_text(json.dumps(row) + "\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(SCRIPT), str(CASES), "--extra", str(bad), "--out", str(tmp_path / "o.jsonl")],
        capture_output=True,
        text=True,
    )
    assert run.returncode != 0 and "answer.site" in run.stderr
