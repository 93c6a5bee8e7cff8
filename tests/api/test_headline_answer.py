"""The default assessment answer is the headline (issue 16 item 4): every conclusion, the top evidence of
the leading ones, at most 8 KB for every golden case; ``?detail=full`` gives the whole record as stored."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from nervemap.api.schemas import AssessmentHeadlineOut, AssessmentOut
from nervemap.services.assessments import HEADLINE
from tests.api.conftest import assert_problem, example

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "cases.jsonl"
LIMIT_BYTES = 8 * 1024


@cache
def golden_cases() -> list[dict[str, Any]]:
    lines = GOLDEN.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["case"] for line in lines if line.strip()]


def _post(client: TestClient, headers: dict[str, str], case: dict[str, Any], query: str = "") -> Any:
    response = client.post(f"/v1/assessments{query}", json=case, headers=headers)
    assert response.status_code == 201, response.text
    return response


def _counts(full: dict[str, Any]) -> dict[str, int]:
    output = full["output"]
    evidence = sum(
        len(entry["evidence"]["for"]) + len(entry["evidence"]["against"])
        for part in ("localization", "differential")
        for entry in output[part]
    )
    return {"evidence": evidence, "plan": len(output["plan"]), "findings_used": len(output["findings_used"])}


def check_headline_of(headline: dict[str, Any], full: dict[str, Any]) -> None:
    """The headline says what the full record says, shortened as documented (docs/api.md)."""
    short, whole = headline["output"], full["output"]
    assert headline["detail"] == "headline" and full["detail"] == "full"
    assert "input" not in headline and headline["full"] == f"/v1/assessments/{full['id']}?detail=full"
    for key in ("id", "created_at", "triage_level", "top_condition_id", "status", "review"):
        assert headline[key] == full[key]
    for key in ("case_id", "source", "severity", "fit", "imaging_concordance", "notes", "enough_information"):
        assert short[key] == whole[key], key
    for part, with_evidence in (
        ("differential", HEADLINE.conditions_with_evidence),
        ("localization", HEADLINE.sites_with_evidence),
    ):
        assert len(short[part]) == len(whole[part])
        for rank, (kept, entry) in enumerate(zip(short[part], whole[part], strict=True)):
            assert {k: v for k, v in kept.items() if k != "evidence"} == {
                k: v
                for k, v in entry.items()
                if k not in ("evidence", "patient_name") and (v or k not in ("root", "nerve", "possibly"))
            }
            if rank >= with_evidence:
                assert "evidence" not in kept
                continue
            for side, count in (("for", HEADLINE.evidence_for), ("against", HEADLINE.evidence_against)):
                expected = [
                    {key: item[key] for key in ("finding", "label", "status", "weight")}
                    for item in entry["evidence"][side][:count]
                ]
                assert kept["evidence"][side] == expected
    triage, whole_triage = short["triage"], whole["triage"]
    for key in ("level", "reason", "patient_advice", "suspected"):
        assert triage[key] == whole_triage[key]
    assert [flag["id"] for flag in triage["red_flags"]] == [flag["id"] for flag in whole_triage["red_flags"]]
    steps = whole["plan"][: HEADLINE.plan_steps]
    assert [step["id"] for step in short["plan"]] == [step["id"] for step in steps]
    assert [step["step"] for step in short["plan"]] == [step["step"] for step in steps]
    counts = _counts(full)
    shown = sum(
        len(entry.get("evidence", {}).get(side, []))
        for part in ("localization", "differential")
        for entry in short[part]
        for side in ("for", "against")
    )
    assert headline["omitted"] == {
        "evidence": counts["evidence"] - shown,
        "plan": counts["plan"] - len(short["plan"]),
        "findings_used": counts["findings_used"],
    }


def test_every_golden_case_answers_a_headline_of_at_most_8_kb(
    client: TestClient, as_clinician: dict[str, str]
) -> None:
    sizes = []
    for case in golden_cases():
        response = _post(client, as_clinician, case)
        body = response.json()
        sizes.append(len(response.content))
        assert len(response.content) <= LIMIT_BYTES, (case.get("id"), len(response.content))
        # the answer is what its OpenAPI model describes, field for field
        assert AssessmentHeadlineOut.model_validate(body).model_dump(mode="json", exclude_unset=True) == body
    assert len(sizes) == len(golden_cases()) >= 80


@pytest.mark.parametrize("name", ["l5-left-disc", "cauda-equina", "fibular-neuropathy"])
def test_the_headline_says_what_the_full_record_says(
    client: TestClient, as_clinician: dict[str, str], name: str
) -> None:
    created = _post(client, as_clinician, example(name)).json()
    full = client.get(f"/v1/assessments/{created['id']}?detail=full", headers=as_clinician).json()
    check_headline_of(created, full)
    fetched = client.get(f"/v1/assessments/{created['id']}", headers=as_clinician).json()
    assert fetched == created
    reviewed = client.post(
        f"/v1/assessments/{created['id']}/review", json={"comment": "seen"}, headers=as_clinician
    ).json()
    assert reviewed["detail"] == "headline" and reviewed["review"]["comment"] == "seen"


def test_full_on_request_is_the_whole_stored_record(client: TestClient, as_clinician: dict[str, str]) -> None:
    created = _post(client, as_clinician, example("l5-left-disc"), "?detail=full").json()
    assert created["detail"] == "full" and created["input"]["id"] == "example-l5-left"
    AssessmentOut.model_validate(created)
    assert created["output"]["differential"][0]["evidence"]["for"][0]["source"]
    reviewed = client.post(
        f"/v1/assessments/{created['id']}/review?detail=full", json={"comment": "ok"}, headers=as_clinician
    ).json()
    assert reviewed["output"] == created["output"] and reviewed["input"] == created["input"]


def test_an_unknown_detail_is_refused(client: TestClient, as_clinician: dict[str, str]) -> None:
    created = _post(client, as_clinician, example("l5-left-disc")).json()
    response = client.get(f"/v1/assessments/{created['id']}?detail=everything", headers=as_clinician)
    assert_problem(response, 422, "query.detail")


def test_the_openapi_document_offers_both_answers(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    operation = document["paths"]["/v1/assessments/{assessment_id}"]["get"]
    parameter = next(p for p in operation["parameters"] if p["name"] == "detail")
    assert (
        parameter["schema"]["enum"] == ["headline", "full"] and parameter["schema"]["default"] == "headline"
    )
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    names = {ref["$ref"].rsplit("/", 1)[1] for ref in schema["anyOf"]}
    assert names == {"AssessmentHeadlineOut", "AssessmentOut"}
