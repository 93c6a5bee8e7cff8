from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from nervemap.engine.assessment import Assessment
from nervemap.evaluation.runner import evaluate_file, format_table

from .helpers import make_assessment


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


ROWS: list[dict[str, Any]] = [
    {
        "id": "t1",
        "text": "sciatica left leg",
        "source": {"dataset": "toy"},
        "expect": {
            "condition": "lumbar_disc_herniation",
            "icd10_any": ["M51.1"],
            "source": "spinal",
            "root": "L5",
            "side": "left",
            "triage_ok": ["routine", "soon"],
            "is_emergency": False,
        },
        "in_scope": True,
    },
    {
        "id": "t2",
        "case": {"age": 50},
        "source": {"dataset": "toy"},
        "expect": {
            "condition": "cauda_equina_syndrome",
            "icd10_any": ["G83.4"],
            "source": "spinal",
            "triage_ok": ["emergency"],
            "is_emergency": True,
        },
        "in_scope": True,
    },
    {"id": "t3", "text": "boom", "expect": {"triage_ok": ["urgent"]}, "in_scope": False},
]


def fake_text(text: str) -> Assessment:
    if text == "boom":
        raise RuntimeError("extractor failed")
    return make_assessment([("lumbar_disc_herniation", 0.7)], root="L5", side="left")


def fake_case(case: dict[str, Any]) -> Assessment:
    return make_assessment([("lumbar_disc_herniation", 0.5)], triage="urgent")


def test_evaluate_file_routes_text_and_case_and_records_errors(tmp_path: Path) -> None:
    result = evaluate_file(_write(tmp_path / "d.jsonl", ROWS), assess_text=fake_text, assess_case=fake_case)
    assert [o.id for o in result.outcomes] == ["t1", "t2", "t3"]
    assert result.outcomes[2].error == "RuntimeError: extractor failed"
    m = result.metrics
    assert m.n_cases == 2
    assert (m.top1.hits, m.top1.n) == (1, 2)
    assert (m.root.hits, m.root.n) == (1, 1)
    assert (m.unsafe_under_triage.events, m.unsafe_under_triage.n) == (1, 2)
    a = result.metrics_all
    assert a.n_cases == 3 and a.errors == 1
    assert (a.unsafe_under_triage.events, a.unsafe_under_triage.n) == (2, 3)
    assert {o.id for o in result.misses} == {"t2", "t3"}
    table = format_table(result)
    assert "top-1 condition" in table and "50.0% (1/2)" in table and "UNSAFE" in table
    data = json.loads(result.to_json())
    assert data["n_in_scope"] == 2 and data["cases"][1]["unsafe"] is True


def test_report_writes_html_and_pngs(tmp_path: Path) -> None:
    from nervemap.evaluation.report import write_report

    result = evaluate_file(_write(tmp_path / "d.jsonl", ROWS), assess_text=fake_text, assess_case=fake_case)
    html_path = write_report(result, tmp_path / "report")
    assert html_path.exists()
    assert (tmp_path / "report" / "confusion_matrix.png").stat().st_size > 0
    assert (tmp_path / "report" / "reliability.png").stat().st_size > 0
    body = html_path.read_text()
    assert "t2" in body and "Misses (2)" in body


def test_structured_case_with_the_real_engine(tmp_path: Path) -> None:
    rows = [
        {
            "id": "real",
            "case": {
                "age": 45,
                "sex": "male",
                "findings": [{"id": "radiating_leg_pain"}, {"id": "slr_positive", "side": "left"}],
            },
            "expect": {
                "condition": "lumbar_disc_herniation",
                "icd10_any": ["M51.1"],
                "source": "spinal",
                "triage_ok": ["routine", "soon"],
            },
            "in_scope": True,
        }
    ]
    result = evaluate_file(_write(tmp_path / "d.jsonl", rows), assess_text=fake_text)
    assert result.outcomes[0].error is None
    assert result.metrics.top3.n == 1


SITE_ROWS: list[dict[str, Any]] = [
    {
        "id": "fib",
        "text": "left foot drop, tender fibular neck",
        "source": {"dataset": "rootset"},
        "answer": "left common fibular neuropathy",
        "expect": {
            "condition": "common_fibular_neuropathy",
            "source": "non-spinal",
            "site": "peripheral-nerve",
            "nerve": "common_fibular",
            "side": "left",
        },
    },
    {
        "id": "l5",
        "text": "sciatica left leg",
        "source": {"dataset": "rootset"},
        "expect": {"condition": "lumbar_disc_herniation", "site": "root", "root": "L5", "side": "left"},
    },
]


def test_site_metric_in_table_json_misses_and_report(tmp_path: Path) -> None:
    from nervemap.evaluation.report import write_report

    # the fake engine always answers "left L5 root": right for l5, wrong site for the fibular case
    result = evaluate_file(_write(tmp_path / "d.jsonl", SITE_ROWS), assess_text=fake_text)
    assert (result.metrics.site.hits, result.metrics.site.n) == (1, 2)
    assert (result.metrics.site_mimic.hits, result.metrics.site_mimic.n) == (0, 1)
    table = format_table(result)
    assert "site (top-1 lesion kind and nerve)  50.0% (1/2)" in table
    assert "nerve/plexus mimics named" in table and "0.0% (0/1)" in table
    data = json.loads(result.to_json())
    assert data["metrics_in_scope"]["site"] == {"hits": 1, "n": 2, "value": 0.5}
    assert data["metrics_in_scope"]["site_mimic"]["n"] == 1
    fib = data["cases"][0]
    assert fib["expected"]["site"] == "peripheral-nerve" and fib["expected"]["nerve"] == "common_fibular"
    assert fib["predicted"]["site"] == "root" and fib["site_hit"] is False
    assert [o.id for o in result.misses] == ["fib"]  # wrong site is a miss even with the right side
    body = write_report(result, tmp_path / "report").read_text()
    assert "peripheral-nerve common_fibular left" in body and "site (top-1 lesion kind and nerve)" in body
