"""The headline core and the full assessment agree, and the core's batch forms of triage, fit and
plan give what the reference functions give (engine/triage.decide, engine/fit.assess_fit,
engine/plan.build_plan) on every golden, development and root-level case (issue 16)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from nervemap.engine.assess import assess, assess_many, headlines, infer_encoded
from nervemap.engine.compiled import default_compiled
from nervemap.engine.concordance import clinical_view, imaged_roots, judge
from nervemap.engine.core import _subsets, tables
from nervemap.engine.encode import encode_case
from nervemap.engine.fit import assess_fit
from nervemap.engine.plan import build_plan
from nervemap.engine.triage import decide

from .datasets import all_cases


def _without_evidence(assessment: dict[str, Any]) -> dict[str, Any]:
    for entry in [*assessment["differential"], *assessment["localization"]]:
        entry["evidence"] = {"for": [], "against": []}
    return assessment


def test_headline_and_full_agree_on_every_case() -> None:
    cases = all_cases()
    assert len(cases) > 400
    full = assess_many(cases, detail="full")
    head = assess_many(cases, detail="headline")
    for f, h in zip(full, head, strict=True):
        assert [(d.id, d.probability) for d in f.differential] == [
            (d.id, d.probability) for d in h.differential
        ]
        assert f.triage == h.triage
        assert [p.id for p in f.plan] == [p.id for p in h.plan]
        assert f.localization[0].site_id == h.localization[0].site_id
        assert all(not d.evidence.for_ and not d.evidence.against for d in h.differential)
        dumped = h.model_dump(mode="json", by_alias=True)
        assert _without_evidence(f.model_dump(mode="json", by_alias=True)) == dumped
    # full output carries evidence
    assert any(d.evidence.for_ for f in full for d in f.differential)


def test_single_case_headline_is_the_full_assessment_without_evidence() -> None:
    case = all_cases()[0]
    full = assess(case, detail="full").model_dump(mode="json", by_alias=True)
    head = assess(case, detail="headline").model_dump(mode="json", by_alias=True)
    assert _without_evidence(full) == head


def test_unknown_detail_is_refused() -> None:
    with pytest.raises(ValueError, match="detail"):
        assess(all_cases()[0], detail="summary")  # type: ignore[arg-type]


def test_trusted_output_validates() -> None:
    """Records built without validation are exactly what validation would build."""
    from nervemap.engine.assessment import Assessment

    for assessment in assess_many(list(all_cases())[:120], detail="full"):
        again = Assessment.model_validate_json(assessment.model_dump_json(by_alias=True))
        assert again == assessment
        assert again.model_dump_json(by_alias=True) == assessment.model_dump_json(by_alias=True)


def test_core_triage_fit_and_plan_match_the_reference_functions() -> None:
    compiled = default_compiled()
    kb = compiled.knowledge
    t = tables(compiled)
    cases = all_cases()
    cores = headlines(cases, compiled)
    for case, core in zip(cases, cores, strict=True):
        encoded = encode_case(case, compiled)
        posterior = infer_encoded(compiled, [encoded]).conditions[0]
        np.testing.assert_allclose(core.conditions, posterior, rtol=1e-9, atol=1e-12)
        p = core.conditions  # the core's own posterior: the reference functions get the same inputs
        fit = assess_fit(compiled, encoded, p)
        assert core.fit == fit
        screening = infer_encoded(compiled, [encoded.without(t.red_flags)]).conditions[0]
        present_ids = {compiled.finding_ids[f] for f in np.flatnonzero(encoded.present)}
        absent_ids = frozenset(compiled.finding_ids[f] for f in np.flatnonzero(encoded.absent))
        variants = _subsets(t, encoded.present)
        channels = [
            (label, [float(x) for x in infer_encoded(compiled, [encoded.without(dropped)]).conditions[0]])
            for label, dropped in variants
        ]
        reference = decide(
            kb.triage,
            compiled.conditions,
            present_ids,
            [float(x) for x in screening],
            absent_ids,
            full_posteriors=[("all findings", [float(x) for x in p]), *channels],
            fit_adequate=fit.adequate,
        )
        assert core.triage == reference
        # the level, red flags and severity grade the core computes for the whole batch
        assert core.level == reference.level
        assert core.red_flag_ids == [flag.id for flag in reference.red_flags]
        assert core.severity_grade == core.severity.grade
        imaged = imaged_roots(compiled, encoded)
        clinical = infer_encoded(compiled, [clinical_view(compiled, encoded)]).sites[0] if imaged else None
        assert core.concordance["status"] == judge(compiled, imaged, clinical)["status"]
        order = np.argsort(-p, kind="stable")
        ranked = [(compiled.condition_ids[c], float(p[c])) for c in order]
        plan = build_plan(
            kb, ranked, core.severity.grade, case.duration_days, core.triage.level, core.concordance["status"]
        )
        assert [item.model_dump() for item in core.plan()] == plan
