"""A pain that reaches below the knee is pain in the lower leg, not knee pain (issue 14, L s14).

"Radiating into the right leg below the knee" was read as pain at the front of the knee: the word
"knee" matched the knee region, so a sciatica-type pain scored against L5 and S1 (their maps hold
the lower leg, not the knee) and for knee disease. Read as the lower leg, it is one observation,
pain somewhere in the lower leg (localisation.yaml vague_regions.lower_leg), and it gives the
derived "pain below the knee" finding the sciatica definition names."""

from __future__ import annotations

import pytest

from nervemap.engine.assess import assess
from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]

LOWER_LEG = {"leg_anterior", "leg_lateral", "leg_medial", "calf"}
KNEE = {"knee_anterior", "knee_medial", "knee_lateral", "popliteal_fossa"}


def _pain(text: str) -> set[tuple[str, str | None]]:
    case = extract(text).case
    return {(m.region, m.side) for m in case.pain_map or [] if m.kind.value == "pain"}


@pytest.mark.parametrize(
    ("text", "side"),
    [
        (
            "A 50-year-old woman has pain radiating from the right buttock into the leg below the knee.",
            "right",
        ),
        ("Radicular pain below the knee on the left.", "left"),
        ("Pain shoots from her buttock to below her right knee.", "right"),
        ("The pain shoots from his left buttock past the knee.", "left"),
        ("Her right buttock pain now goes beyond the knee.", "right"),
    ],
)
def test_pain_below_the_knee_is_pain_in_the_lower_leg(text: str, side: str) -> None:
    pain = _pain(text)
    assert {(region, side) for region in LOWER_LEG} <= pain
    assert not {region for region, _ in pain} & {"knee_anterior", "knee_medial", "knee_lateral"}


def test_no_pain_below_the_knee_denies_the_lower_leg_not_the_knee() -> None:
    items = [
        i for i in extract("Low back pain for a week, with no pain below the knee.").items if i.kind == "pain"
    ]
    denied = {str(i.value).split()[0] for i in items if i.status == "absent"}
    assert denied == LOWER_LEG
    assert not {str(i.value).split()[0] for i in items} & KNEE


@pytest.mark.parametrize(
    "text",
    [
        "A 70-year-old man with a left below-knee amputation has right buttock pain.",
        "He had a right below knee cast for six weeks and now has buttock pain on that side.",
    ],
)
def test_a_below_knee_amputation_or_cast_is_no_pain_below_the_knee(text: str) -> None:
    assert not {region for region, _ in _pain(text)} & LOWER_LEG


def test_pain_below_the_knee_counts_as_the_sciatica_finding() -> None:
    assessment = assess(extract("Pain radiates from the left buttock into the leg below the knee.").case)
    used = {(f.id, f.status) for f in assessment.findings_used}
    assert ("pain_below_knee", "present") in used
    assert ("knee_pain", "present") not in used


def test_a_root_outranks_no_lesion_when_pain_radiates_below_the_knee() -> None:
    # buttock pain radiating below the knee, worse on coughing: the lower leg lies in the L5 and S1
    # maps, the knee does not, so a root of the painful side leads, not "no neurological lesion"
    text = (
        "A 50-year-old woman has pain radiating from the right buttock into the right leg below the knee, "
        "worse with coughing."
    )
    top = assess(extract(text).case).localization[0]
    assert top.site == "root"
    assert top.side == "right"
