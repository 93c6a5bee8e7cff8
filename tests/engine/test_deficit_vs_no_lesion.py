"""An objective deficit counts against the no-lesion site (issues 12 and 14).

The site answer is a mixture over conditions, and most of a leg-pain population's conditions have
no nerve lesion; a weakness graded on examination must weigh against that 'no lesion' site at its
own rate (localisation.yaml weakness_without_lesion), so that it is never left on top when a lesion
site explains the deficit.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nervemap.engine.assess import assess, infer_encoded
from nervemap.engine.case import Case
from nervemap.engine.compiled import default_compiled
from nervemap.engine.encode import encode_case

GOLDEN = [
    json.loads(line)
    for line in (Path(__file__).parents[1] / "golden" / "cases.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
    if line.strip()
]


def _weak(case: dict[str, Any]) -> bool:
    return any(test.get("grade", 5) <= 4 for test in case.get("strength") or [])


def test_the_no_lesion_site_scores_a_graded_weakness_at_its_own_rate() -> None:
    compiled = default_compiled()
    rate = compiled.knowledge.localisation.weakness_without_lesion
    assert rate is not None
    none = compiled.none_hypothesis
    weak = [o for o, obs in enumerate(compiled.observations) if obs.modality == "weakness"]
    assert weak
    assert np.allclose(np.exp(compiled.loc_log_present[none, weak]), rate.value)
    keys = {compiled.loc_grade_keys[g] for g in compiled.loc_grade[none, weak]}
    assert keys == {"weakness:none"}
    # below a lesion's own outside-territory rate: no variant innervation or second lesion
    assert rate.value < compiled.knowledge.localisation.weakness_outside_territory.value


def _foot_drop_woman(side: str = "right") -> dict[str, Any]:
    return {
        "age": 50,
        "sex": "female",
        "setting": "primary-care",
        "duration_days": 1,
        "pain_map": [{"region": "knee_lateral", "side": side, "kind": "pain"}],
        "findings": [{"id": "foot_drop_reported", "status": "present", "side": side}],
        "strength": [{"movement": "ankle_dorsiflexion", "side": side, "grade": 3}],
    }


@pytest.mark.parametrize("side", ["left", "right"])
def test_a_woman_with_a_foot_drop_and_a_tender_fibular_head_has_the_common_fibular_nerve(side: str) -> None:
    top = assess(_foot_drop_woman(side)).localization[0]
    assert (str(top.site), top.nerve, top.side) == ("peripheral-nerve", "common_fibular", side)


WEAK_WITH_A_LESION = [
    case for case in GOLDEN if _weak(case["case"]) and case["expect"].get("site") not in (None, "none")
]


def test_there_are_golden_cases_with_a_graded_weakness_and_a_lesion() -> None:
    assert len(WEAK_WITH_A_LESION) >= 15


@pytest.mark.parametrize("case", WEAK_WITH_A_LESION, ids=[case["id"] for case in WEAK_WITH_A_LESION])
def test_a_graded_weakness_never_leaves_no_lesion_on_top(case: dict[str, Any]) -> None:
    top = assess(case["case"]).localization[0]
    assert str(top.site) != "none"


@pytest.mark.parametrize("case", WEAK_WITH_A_LESION, ids=[case["id"] for case in WEAK_WITH_A_LESION])
def test_a_graded_weakness_counts_against_no_lesion(case: dict[str, Any]) -> None:
    """The same case with every weak movement graded full: 'no lesion' never ends lower."""
    compiled = default_compiled()
    normal = dict(case["case"])
    normal["strength"] = [{**test, "grade": 5} for test in case["case"].get("strength") or []]

    def p_none(data: dict[str, Any]) -> float:
        posterior = infer_encoded(compiled, [encode_case(Case.model_validate(data), compiled)])
        return float(posterior.sites[0, compiled.none_hypothesis])

    assert p_none(case["case"]) <= p_none(normal) + 1e-9


@pytest.mark.parametrize("side", ["left", "right", None])
def test_a_reported_foot_drop_is_weak_ankle_dorsiflexion_on_its_side(side: str | None) -> None:
    """Structured or interview input: 'my foot drops' without a graded examination is a deficit."""
    compiled = default_compiled()
    case = _foot_drop_woman(side or "right") | {"strength": []}
    if side is None:
        case["findings"] = [{"id": "foot_drop_reported", "status": "present"}]
    encoded = encode_case(Case.model_validate(case), compiled)
    seen = {compiled.observations[o].key for o in np.flatnonzero(encoded.observed_present)}
    assert f"weakness:ankle_dorsiflexion:{side or 'unstated'}" in seen
    if side is not None:
        top = assess(case).localization[0]
        assert (str(top.site), top.nerve, top.side) == ("peripheral-nerve", "common_fibular", side)


def test_an_examined_grade_outranks_a_reported_foot_drop() -> None:
    compiled = default_compiled()
    case = _foot_drop_woman("right") | {
        "strength": [{"movement": "ankle_dorsiflexion", "side": "right", "grade": 5}]
    }
    encoded = encode_case(Case.model_validate(case), compiled)
    at = compiled.observation_index["weakness:ankle_dorsiflexion:right"]
    assert not encoded.observed_present[at] and encoded.observed_absent[at]
