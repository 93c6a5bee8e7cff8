"""FHIR R4 and CDS Hooks 2.0 conformance (issue 18 item 7), run for real: conformance/write_resources.py
writes every FHIR resource and CDS Hooks response nervemap produces for the golden cases, and
conformance/validate.mjs checks them with the official R4 JSON Schema, the R4 StructureDefinitions
(@medplum/core) with their FHIRPath invariants (fhirpath.js for the four medplum skips) and the CDS
Hooks 2.0 attribute tables. 0 errors; and deliberately broken resources and cards make it fail.

Needs node (skipped, saying so, only when node is absent); installs the pinned validators with
``npm ci`` when conformance/node_modules is missing.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONFORMANCE = ROOT / "conformance"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed: the FHIR validators run on node")


@pytest.fixture(scope="module")
def validator() -> Path:
    if not (CONFORMANCE / "node_modules" / "@medplum" / "core").is_dir():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("node is installed but npm is not: cannot install the pinned validators (npm ci)")
        subprocess.run(
            [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
            cwd=CONFORMANCE,
            check=True,
            timeout=600,
        )
    return CONFORMANCE / "validate.mjs"


def validate(validator: Path, folder: Path) -> tuple[int, dict[str, Any], str]:
    report = folder / "report.json"
    assert NODE is not None
    done = subprocess.run(
        [NODE, str(validator), str(folder), "--json", str(report)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    found: dict[str, Any] = json.loads(report.read_text(encoding="utf-8")) if report.exists() else {}
    return done.returncode, found, done.stdout + done.stderr


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("conformance")
    subprocess.run(
        [sys.executable, str(CONFORMANCE / "write_resources.py"), str(out)], check=True, cwd=ROOT, timeout=600
    )
    return out


def test_everything_nervemap_writes_for_the_golden_cases_conforms(validator: Path, written: Path) -> None:
    code, report, output = validate(validator, written)
    assert report["errors"] == 0, output[-4000:]
    assert code == 0, output[-2000:]
    golden = sum(1 for line in (ROOT / "tests/golden/cases.jsonl").read_text().splitlines() if line.strip())
    names = {path.name for path in (written / "fhir").iterdir()}
    # every golden case's output Bundle and CDS Hooks card; the service's own resources
    assert sum(name.endswith(".bundle.json") for name in names) == golden
    assert len(list((written / "cds").glob("case.*.patient-view.json"))) == golden
    for kind in ("CapabilityStatement", "OperationDefinition.assess", "Questionnaire.nervemap-all"):
        assert f"{kind}.json" in names
    assert any(name.startswith("CodeSystem.") for name in names)
    assert any(name.startswith("StructureDefinition.") for name in names)
    assert any(name.startswith("episode.") for name in names)
    assert sum(name.endswith(".response.json") for name in names) >= 50  # QuestionnaireResponses
    assert report["fhir_resources"] == len(names) and report["nested_resources"] > 1000
    assert report["bundle_references_checked"] > 400 and report["warnings"] == 0
    # per case patient-view and order-select; discovery and the 3 golden calls
    assert report["cds_responses"] == 2 * golden + 4


def _first(bundle: dict[str, Any], kind: str) -> dict[str, Any]:
    found: dict[str, Any] = next(
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind
    )
    return found


def _write(folder: Path, kind: str, name: str, document: Any) -> None:
    (folder / kind).mkdir(parents=True, exist_ok=True)
    (folder / kind / f"{name}.json").write_text(json.dumps(document), encoding="utf-8")


def test_deliberately_broken_resources_and_cards_fail(validator: Path, written: Path, tmp_path: Path) -> None:
    fhir = written / "fhir"
    bundle = json.loads(next(fhir.glob("case.*.bundle.json")).read_text(encoding="utf-8"))
    questionnaire = json.loads((fhir / "Questionnaire.nervemap-all.json").read_text(encoding="utf-8"))
    statement = json.loads((fhir / "CapabilityStatement.json").read_text(encoding="utf-8"))
    card_response = json.loads(next((written / "cds").glob("case.*.patient-view.json")).read_text())
    assert card_response["cards"], "a golden case with a card"

    broken: dict[str, dict[str, Any]] = {}
    no_subject = copy.deepcopy(bundle)  # Condition.subject is 1..1 in R4
    del _first(no_subject, "Condition")["subject"]
    broken["condition-without-subject"] = no_subject
    bad_status = copy.deepcopy(bundle)  # not an ObservationStatus, and an element R4 does not have
    _first(bad_status, "Observation").update(status="guessed", valueFoo=1)
    broken["observation-bad-status"] = bad_status
    group_without_items = copy.deepcopy(questionnaire)  # invariant que-1
    first = group_without_items["item"][0]
    first["type"] = "group"
    first.pop("item", None)
    broken["questionnaire-que-1"] = group_without_items
    empty_element = copy.deepcopy(bundle)  # ele-1 / FHIR JSON: an element with no value and no children
    _first(empty_element, "Condition")["code"]["coding"][0] = {}
    broken["empty-coding"] = empty_element
    broken["capability-r4b-version"] = {**statement, "fhirVersion": "4.3.0"}  # not an R4 version
    wrong_target = copy.deepcopy(bundle)  # prognosisReference must be a RiskAssessment
    condition_url = next(
        e["fullUrl"] for e in wrong_target["entry"] if e["resource"]["resourceType"] == "Condition"
    )
    _first(wrong_target, "ClinicalImpression")["prognosisReference"][0]["reference"] = condition_url
    broken["reference-to-the-wrong-type"] = wrong_target
    dangling = copy.deepcopy(bundle)  # a urn:uuid that no entry of the Bundle has
    _first(dangling, "ClinicalImpression")["prognosisReference"][0]["reference"] = (
        "urn:uuid:00000000-0000-4000-8000-000000000000"
    )
    broken["reference-to-nothing"] = dangling
    for name, resource in broken.items():
        _write(tmp_path, "fhir", name, resource)

    card = card_response["cards"][0]
    too_long = {**card, "summary": "x" * 140}  # a summary is < 140 characters
    no_source = {key: value for key, value in card.items() if key != "source"}
    bad_delete = {
        "summary": "Remove the order",
        "indicator": "warning",
        "source": {"label": "nervemap"},
        "suggestions": [
            {
                "label": "Remove",
                "actions": [{"type": "delete", "description": "x", "resourceId": "urn:uuid:1b6d2f3c"}],
            }
        ],
    }  # no selectionBehavior with suggestions; resourceId not a relative reference
    _write(
        tmp_path, "cds", "cards", {"cards": [too_long, no_source, bad_delete, {**card, "indicator": "hot"}]}
    )

    code, report, output = validate(validator, tmp_path)
    assert code == 1, output[-2000:]
    by_file: dict[str, list[str]] = {}
    for problem in report["problems"]:
        by_file.setdefault(problem["file"], []).append(f"[{problem['check']}] {problem['message']}")
    assert set(by_file) == {f"{name}.json" for name in broken} | {"cards.json"}, by_file
    text = json.dumps(by_file)
    assert "subject" in text and "que-1" in text and "valueFoo" in text
    assert any("fhirVersion" in message for message in by_file["capability-r4b-version.json"])
    assert any("ele-1" in m or "empty object" in m for m in by_file["empty-coding.json"])
    assert any(
        "is a Condition, expected RiskAssessment" in m for m in by_file["reference-to-the-wrong-type.json"]
    )
    assert any("not the fullUrl of any entry" in m for m in by_file["reference-to-nothing.json"])
    cards = " ".join(by_file["cards.json"])
    for expected in (
        "/cards/0/summary",
        "'source'",
        "'selectionBehavior'",
        "/cards/2/suggestions/0/actions/0/resourceId",
    ):
        assert expected in cards, cards
    assert "/cards/3/indicator" in cards
