"""The case's onset reaches the engine (issue 12): ``sudden_onset`` is derived from ``Case.onset``
(findings/symptoms.yaml ``derive: {onset: sudden}``), present when the onset is sudden, absent when
it is given and gradual, unknown when it is missing; a reported sudden_onset overrides it, as a
reported finding overrides every derived one (engine/encode.py: derived first, reported after)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from nervemap.engine.assess import assess
from nervemap.engine.case import Case
from nervemap.engine.compiled import default_compiled
from nervemap.engine.encode import encode_case
from nervemap.knowledge.models import Derivation
from nervemap.nlp.extract import extract

from .test_encode_batch import assert_same

BASE: dict[str, Any] = {
    "age": 70,
    "sex": "male",
    "setting": "emergency",
    "pain_map": [{"region": "calf", "side": "right", "kind": "pain"}],
}


def _state(case: dict[str, Any]) -> tuple[str, str | None]:
    compiled = default_compiled()
    encoded = encode_case(Case.model_validate(case), compiled)
    index = compiled.finding_index["sudden_onset"]
    status = "present" if encoded.present[index] else "absent" if encoded.absent[index] else "unknown"
    return status, encoded.origin.get("sudden_onset")


def test_the_finding_is_derived_from_the_onset() -> None:
    rule = default_compiled().findings["sudden_onset"].derive
    assert rule is not None and rule.onset == "sudden"


def test_sudden_onset_present_when_the_onset_is_sudden() -> None:
    assert _state({**BASE, "onset": "sudden"}) == ("present", "derived")


def test_sudden_onset_absent_when_the_onset_is_gradual() -> None:
    assert _state({**BASE, "onset": "gradual"}) == ("absent", "derived")


def test_sudden_onset_unknown_when_the_onset_is_missing() -> None:
    assert _state(BASE) == ("unknown", None)


def test_a_reported_sudden_onset_overrides_a_gradual_onset() -> None:
    case = {**BASE, "onset": "gradual", "findings": [{"id": "sudden_onset", "status": "present"}]}
    assert _state(case) == ("present", "reported")
    encoded = encode_case(Case.model_validate(case), default_compiled())
    assert any("'sudden_onset' reported present" in note for note in encoded.notes)


def test_a_reported_absence_overrides_a_sudden_onset() -> None:
    case = {**BASE, "onset": "sudden", "findings": [{"id": "sudden_onset", "status": "absent"}]}
    assert _state(case) == ("absent", "reported")


def test_the_onset_changes_the_differential() -> None:
    """A gradual onset now counts against conditions that start suddenly (acute limb ischaemia)."""
    extra = [
        {"id": "cold_pale_limb", "status": "present", "side": "right"},
        {"id": "peripheral_pulses_reduced", "status": "present", "side": "right"},
    ]

    def probability(onset: str | None) -> float:
        case = {**BASE, "findings": extra, **({"onset": onset} if onset else {})}
        entries = {e.id: e.probability for e in assess(case).differential}
        return entries["acute_limb_ischaemia"]

    assert probability("gradual") < probability(None) < probability("sudden")


def test_the_batch_encoder_derives_the_same() -> None:
    cases = [
        Case.model_validate({**BASE, "id": f"c{i}", **extra})
        for i, extra in enumerate(
            [
                {},
                {"onset": "sudden"},
                {"onset": "gradual"},
                {"onset": "gradual", "findings": [{"id": "sudden_onset", "status": "present"}]},
                {"onset": "sudden", "findings": [{"id": "sudden_onset", "status": "absent"}]},
                {"findings": [{"id": "sudden_onset", "status": "present"}]},
            ]
        )
    ]
    assert_same(cases)


def test_a_gradual_onset_in_a_note_makes_sudden_onset_absent() -> None:
    read = extract("A 55-year-old man with left leg pain; the pain came on gradually over several weeks.")
    assert read.case.onset == "gradual"
    used = {f.id: f for f in assess(read.case).findings_used}
    assert used["sudden_onset"].status == "absent"
    assert used["sudden_onset"].origin == "derived"


def test_the_onset_rule_stands_alone() -> None:
    assert Derivation(onset="gradual").onset == "gradual"
    with pytest.raises(ValidationError):
        Derivation(onset="sudden", sex="male")
