"""The reliability table split into strata (nervemap.evaluation.calibration, docs/calibration.md)."""

from __future__ import annotations

from typing import Any

from nervemap.engine.assessment import Assessment
from nervemap.evaluation.calibration import (
    COMMON_PRIOR,
    Recorder,
    format_strata,
    points,
    setting_priors,
    strata,
)
from nervemap.evaluation.runner import evaluate_rows

from .helpers import make_assessment


def _row(i: int, condition: str, also: list[str] | None = None, dataset: str = "toy") -> dict[str, Any]:
    return {
        "id": f"c{i}",
        "text": str(i),
        "source": {"dataset": dataset},
        "expect": {"condition": condition, "icd10_any": ["M51.1"], "also": also or []},
        "in_scope": True,
    }


# The engine's answer per row: (top-1 id, its probability).
ANSWERS = {
    "0": ("lumbar_disc_herniation", 0.3),  # exact hit
    "1": ("lumbar_disc_herniation", 0.3),  # an ICD-10 prefix hit only (the key names stenosis)
    "2": ("central_lumbar_stenosis", 0.3),  # an 'also' hit only
    "3": ("deep_vein_thrombosis", 0.3),  # a miss
}
ROWS = [
    _row(0, "lumbar_disc_herniation"),
    _row(1, "central_lumbar_stenosis"),
    _row(2, "lumbar_disc_herniation", also=["central_lumbar_stenosis"], dataset="other"),
    _row(3, "lumbar_disc_herniation"),
    {"id": "out", "text": "0", "expect": {"condition": "lumbar_disc_herniation"}, "in_scope": False},
    {"id": "none", "text": "0", "expect": {"triage_ok": ["routine"]}, "in_scope": True},
]


def _fake(text: str) -> Assessment:
    top, p = ANSWERS[text]
    return make_assessment([(top, p), ("hip_osteoarthritis", 1 - p)])


def _points() -> list[Any]:
    result = evaluate_rows(ROWS, assess_text=_fake)
    settings = ["primary-care", "emergency", "primary-care", "primary-care", None, None]
    priors = {
        "primary-care": {"lumbar_disc_herniation": 0.2, "central_lumbar_stenosis": 0.01},
        "emergency": {"lumbar_disc_herniation": 0.01},
    }
    return points(result, settings, priors)


def test_points_keep_in_scope_cases_with_a_condition_and_tell_the_hits_apart() -> None:
    chosen = _points()
    assert [p.id for p in chosen] == ["c0", "c1", "c2", "c3"]
    assert [p.hit for p in chosen] == [True, True, True, False]
    assert [p.exact for p in chosen] == [True, False, False, False]
    assert [p.several_accepted for p in chosen] == [False, False, True, False]
    # the prior of the top-1 condition in the case's own setting (None: not in the priors given)
    assert [p.common for p in chosen] == [True, False, False, None]


def test_strata_count_each_hit_definition() -> None:
    chosen = _points()
    usual = {s.name: s for s in strata(chosen)}
    exact = {s.name: s for s in strata(chosen, exact=True)}
    band = 1  # [0.2, 0.4)
    assert usual["all"].n == 4 and usual["all"].bins[band].accuracy == 0.75
    assert exact["all"].bins[band].accuracy == 0.25
    assert usual["key accepts several (also)"].n == 1
    assert usual[f"top-1 rare (prior < {COMMON_PRIOR:g})"].n == 2
    assert usual["dataset other"].n == 1 and usual["dataset toy"].n == 3
    # Brier of four cases at 0.3: three hits (0.49 each) and a miss (0.09)
    assert usual["all"].brier is not None and abs(usual["all"].brier - (3 * 0.49 + 0.09) / 4) < 1e-12


def test_a_bin_is_flagged_only_with_enough_cases_and_a_gap_past_the_floor() -> None:
    chosen = _points()
    few = {s.name: s for s in strata(chosen)}["all"]
    assert few.flagged == []  # 4 cases: under the 10 a bin needs
    many = {s.name: s for s in strata(chosen * 3)}["all"]  # 12 cases at 0.3, 9 right
    assert [b.lower for b in many.flagged] == [0.2]
    text = format_strata("title", strata(chosen * 3))
    assert text.splitlines()[0] == "title"
    assert "12 0.30/0.75!" in text


def test_recorder_keeps_each_rows_setting_in_order() -> None:
    recorder = Recorder()
    rows = [
        {"id": "a", "case": {"age": 50, "setting": "emergency"}, "expect": {"condition": "x"}},
        {"id": "b", "case": {"age": 50}, "expect": {"condition": "x"}},
        {"id": "c", "case": {"age": "not an age"}, "expect": {"condition": "x"}},
    ]
    result = evaluate_rows(rows, assess_text=recorder.text, assess_case=recorder.case)
    assert recorder.settings == ["emergency", "primary-care", None]
    assert result.outcomes[2].error is not None
    priors = setting_priors()
    assert set(priors) >= {"primary-care", "emergency", "spine-clinic"}
    assert 0 < priors["primary-care"]["lumbar_disc_herniation"] < 1
