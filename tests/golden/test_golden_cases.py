"""Golden clinical cases: the production knowledge base and engine against clinical practice.

Each case cites where its picture comes from (tests/golden/README.md). A failing case is fixed in
the knowledge (a cited number, a general rule), never by tuning to the case.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from nervemap.engine.assess import assess
from nervemap.engine.assessment import Assessment

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "cases.jsonl").read_text(encoding="utf-8").splitlines()
    if line.strip()
]
BY_ID = {case["id"]: case for case in CASES}

# Known failures, kept visible rather than tuned away (tests/golden/README.md). Strict: when a
# general improvement fixes one, the test fails until it is removed from this list.
KNOWN_FAILURES = {
    ("condition", "axspa-ng65-woman"): "axial SpA ranks 2nd (0.27) behind non-specific LBP (0.47) "
    "since non-specific LBP takes the cited duration bands of GP back-pain consulters (IMPaCT Back, "
    "Foster 2014: 63.9 % over 3 months; was an estimate of 0.23 over 12 weeks, which counted a "
    "14-month history 2.9-fold against it); the inflammatory features, not chronicity, must carry it",
    ("condition", "sacral-insufficiency-no-fall"): "sacral insufficiency fracture ranks 8th: its prior "
    "(0.0002, 3 % of the vertebral fracture prior) is not overcome by age 82, osteoporosis, sudden "
    "buttock and low back pain without trauma; vertebral fracture 0.45, central stenosis 0.18 and "
    "non-specific LBP 0.14 lead",
}


def _known(kind: str, case_id: str) -> list[pytest.MarkDecorator]:
    reason = KNOWN_FAILURES.get((kind, case_id))
    return [pytest.mark.xfail(strict=True, reason=reason)] if reason else []


def _params(kind: str, ids: list[str]) -> list[object]:
    return [pytest.param(case_id, marks=_known(kind, case_id), id=case_id) for case_id in ids]


@pytest.fixture(scope="module")
def results() -> dict[str, Assessment]:
    return {case["id"]: assess(case["case"]) for case in CASES}


def _ids(kind: str) -> list[str]:
    return [c["id"] for c in CASES if c["expect"].get(kind) is not None]


def test_case_ids_are_unique_and_match_the_case() -> None:
    assert len(BY_ID) == len(CASES), "duplicate case id"
    assert all(case["case"]["id"] == case["id"] for case in CASES)


# '(source-id: what the source says)' in a case's source names an entry of knowledge/data/sources
SOURCE_ID = re.compile(r"\(([a-z0-9]+(?:-[a-z0-9]+)+):")


def test_cited_source_ids_exist() -> None:
    from nervemap.knowledge import default_knowledge

    known = {source.id for source in default_knowledge().knowledge.sources}
    cited = {(case["id"], sid) for case in CASES for sid in SOURCE_ID.findall(case["source"])}
    assert cited, "no case names a source id"
    assert not {(case_id, sid) for case_id, sid in cited if sid not in known}


def test_there_are_enough_cases_covering_every_condition() -> None:
    from nervemap.knowledge import default_knowledge

    conditions = {c.id for c in default_knowledge().knowledge.conditions}
    assert len(CASES) >= 40
    assert conditions <= {c["expect"]["condition"] for c in CASES}
    roots_sides = {(c["expect"].get("root"), c["expect"].get("side")) for c in CASES}
    for root in ("L2", "L3", "L4", "L5", "S1"):
        assert {(root, "left"), (root, "right")} <= roots_sides, root


@pytest.mark.parametrize("case_id", _params("condition", [c["id"] for c in CASES]))
def test_expected_condition_is_ranked(case_id: str, results: dict[str, Assessment]) -> None:
    expect: dict[str, Any] = BY_ID[case_id]["expect"]
    ranked = [entry.id for entry in results[case_id].differential]
    limit = expect.get("rank", 1)
    assert expect["condition"] in ranked[:limit], f"{case_id}: top {ranked[:3]}"


@pytest.mark.parametrize("case_id", [c["id"] for c in CASES])
def test_expected_triage(case_id: str, results: dict[str, Assessment]) -> None:
    expect = BY_ID[case_id]["expect"]
    allowed = {expect["triage"], *expect.get("triage_ok", [])}
    assert results[case_id].triage.level.value in allowed, results[case_id].triage.reason


@pytest.mark.parametrize("case_id", _params("lesion", _ids("root") + _ids("nerve")))
def test_expected_lesion_and_side_first(case_id: str, results: dict[str, Assessment]) -> None:
    expect = BY_ID[case_id]["expect"]
    top = results[case_id].localization[0]
    if expect.get("root"):
        assert top.root == expect["root"], f"{case_id}: {top.name} {top.side}"
    if expect.get("nerve"):
        assert top.nerve == expect["nerve"], f"{case_id}: {top.name} {top.side}"
    if expect.get("side"):
        assert top.side == expect["side"], f"{case_id}: {top.name} {top.side}"


@pytest.mark.parametrize("case_id", _params("site", [c["id"] for c in CASES if c["expect"].get("site")]))
def test_expected_site_kind_first(case_id: str, results: dict[str, Assessment]) -> None:
    expect = BY_ID[case_id]["expect"]
    assert results[case_id].localization[0].site.value == expect["site"], case_id


@pytest.mark.parametrize(
    "case_id", _params("source", [c["id"] for c in CASES if c["expect"].get("source_verdict")])
)
def test_expected_source_verdict(case_id: str, results: dict[str, Assessment]) -> None:
    expect = BY_ID[case_id]["expect"]
    assert results[case_id].source.verdict == expect["source_verdict"], results[case_id].source
