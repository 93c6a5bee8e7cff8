"""The engine applies the likelihood ratios its sources publish (issue 12, item 1)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nervemap.engine.compiled import CompiledKnowledge, default_compiled
from nervemap.knowledge.introspect import applied_params
from nervemap.knowledge.models import Likelihood
from nervemap.knowledge.validator import APPLIED_TOLERANCE, LikelihoodError, applied_likelihood


@pytest.fixture(scope="module")
def compiled() -> CompiledKnowledge:
    return default_compiled()


def _lk(**data: object) -> Likelihood:
    return Likelihood.model_validate({"finding": "x", **data})


def test_every_cited_number_is_applied_within_five_percent(compiled: CompiledKnowledge) -> None:
    rows = applied_params(compiled)
    cited = [r for r in rows if r["source"] != "expert-estimate"]
    assert len(cited) > 50
    off = [
        f"{r['path']}: cited {r['cited']:.4g}, applied {r['applied']:.4g}"
        for r in rows
        if r["difference"] > APPLIED_TOLERANCE and not r["floor"]
    ]
    assert off == []


def _weights(compiled: CompiledKnowledge, condition: str, finding: str) -> tuple[float, float]:
    c, f = compiled.condition_index[condition], compiled.finding_index[finding]
    return math.exp(compiled.weight_present[c, f]), math.exp(compiled.weight_absent[c, f])


def test_published_ratio_pairs_are_applied_as_published(compiled: CompiledKnowledge) -> None:
    # Suri 2010 (JAMA), Table 3: the figures the issue found applied as 2.3 and 2.6
    assert _weights(compiled, "central_lumbar_stenosis", "no_pain_when_seated") == pytest.approx((7.4, 0.57))
    assert _weights(compiled, "central_lumbar_stenosis", "relief_bending_forward") == pytest.approx(
        (6.4, 0.52)
    )
    # Khan 2006: any pulse abnormality
    assert _weights(compiled, "peripheral_arterial_disease", "peripheral_pulses_reduced") == pytest.approx(
        (4.7, 0.38)
    )


def test_a_finding_a_condition_does_not_list_is_neutral(compiled: CompiledKnowledge) -> None:
    c, f = compiled.condition_index["knee_osteoarthritis"], compiled.finding_index["urinary_retention"]
    assert (c, f) not in compiled.likelihood_numbers
    assert compiled.weight_present[c, f] == 0.0 and compiled.weight_absent[c, f] == 0.0


def test_sensitivity_alone_is_read_against_the_background() -> None:
    use = applied_likelihood(_lk(p={"value": 0.6, "source": "s"}), 0.2)
    assert (use.ratio_present, use.ratio_absent) == pytest.approx((3.0, 0.5))


def test_sensitivity_with_specificity_uses_the_study_comparator() -> None:
    use = applied_likelihood(
        _lk(p={"value": 0.36, "source": "s"}, specificity={"value": 0.74, "source": "s"}), 0.5
    )
    assert use.ratio_present == pytest.approx(0.36 / 0.26)
    assert use.ratio_absent == pytest.approx(0.64 / 0.74)
    assert use.p_reference == pytest.approx(0.26)


def test_ratio_pair_fixes_sensitivity_and_comparator() -> None:
    use = applied_likelihood(
        _lk(lr_positive={"value": 7.4, "source": "s"}, lr_negative={"value": 0.57, "source": "s"}), 0.2
    )
    assert use.ratio_present == pytest.approx(7.4)
    assert use.ratio_absent == pytest.approx(0.57)
    assert use.p_condition == pytest.approx(7.4 * 0.43 / 6.83)


def test_positive_ratio_beyond_a_probability_is_refused_not_clamped() -> None:
    with pytest.raises(LikelihoodError, match="not a probability"):
        applied_likelihood(_lk(lr_positive={"value": 20.0, "source": "s"}), 0.06)


def test_an_explicit_floor_is_the_only_limit() -> None:
    plain = applied_likelihood(_lk(p={"value": 0.99, "source": "s"}), 0.5)
    floored = applied_likelihood(
        _lk(
            p={"value": 0.99, "source": "s"},
            min_ratio_absent={"value": 0.1, "source": "expert-estimate", "reason": "selected series"},
        ),
        0.5,
    )
    assert plain.ratio_absent == pytest.approx(0.02) and not plain.floored
    assert floored.ratio_absent == pytest.approx(0.1) and floored.floored


def test_specificity_needs_a_sensitivity() -> None:
    with pytest.raises(ValueError, match="specificity"):
        _lk(lr_positive={"value": 2.0, "source": "s"}, specificity={"value": 0.9, "source": "s"})


def test_a_tension_sign_outside_its_territory_never_counts_for_the_condition(
    compiled: CompiledKnowledge,
) -> None:
    # e.g. a crossed SLR (comparator 0.12) with a disc at L3: the pooled outside rate 0.2 would
    # otherwise count as evidence for the disc
    from nervemap.engine.compiled import SIGN_STATES
    from nervemap.knowledge.models import SiteKind

    n_sites = len(compiled.hypotheses)
    inside = {
        sign.finding: {
            h
            for h, hyp in enumerate(compiled.hypotheses)
            if (hyp.root and hyp.root in sign.roots)
            or (hyp.nerve and hyp.nerve in sign.nerves)
            or hyp.site in {f"site:{s}" for s in sign.sites}
        }
        for sign in compiled.knowledge.localisation.tension_signs
    }
    for k, f in enumerate(compiled.sign_findings):
        fid = compiled.finding_ids[f]
        row = k * len(SIGN_STATES) + SIGN_STATES.index("any")
        factors = compiled.sign_log_factor[row].reshape(len(compiled.conditions), n_sites)
        weights = factors - np.log(compiled.background[f])
        for h, hyp in enumerate(compiled.hypotheses):
            if hyp.kind == SiteKind.NONE or h in inside.get(fid, set()):
                continue
            assert (weights[:, h] <= 1e-9).all(), (fid, hyp.key)
