"""The text reader recognises the discriminating findings of issue 12 (nlp/data/conditions_v2*.yaml)."""

from __future__ import annotations

import pytest

from nervemap.nlp.extract import extract


def _read(text: str) -> set[tuple[str, str, str | None]]:
    return {(f.id, f.status.value, f.side) for f in extract(text).case.findings}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Left femoral bruit.", ("femoral_bruit", "present", "left")),
        ("No femoral bruit on the right.", ("femoral_bruit", "absent", "right")),
        ("The calf pain comes on sooner walking uphill.", ("pain_worse_walking_uphill", "present", None)),
        ("She can cycle for miles.", ("cycling_without_leg_pain", "present", None)),
        ("He cannot cycle because of the calf pain.", ("cycling_without_leg_pain", "absent", None)),
        (
            "Single leg stance test positive on the right.",
            ("single_leg_stance_30s_painful", "present", "right"),
        ),
        ("Bent-knee stretch test negative on the left.", ("bent_knee_stretch_positive", "absent", "left")),
        ("Morning stiffness lasting 2 hours.", ("morning_stiffness_over_30_min", "present", None)),
        ("Grouped vesicles over the left anterior thigh.", ("dermatomal_vesicular_rash", "present", "left")),
        ("An erythematous rash covered with clear vesicles.", ("dermatomal_vesicular_rash", "present", None)),
        (
            "Vesicles on an erythematous base over the right buttock.",
            ("dermatomal_vesicular_rash", "present", "right"),
        ),
        (
            "Ten days after a diarrhoeal illness.",
            ("recent_gastrointestinal_or_respiratory_infection", "present", None),
        ),
        ("He drinks about 40 units a week.", ("excess_alcohol", "present", None)),
        ("Tender cord along the long saphenous vein.", ("tender_superficial_vein_cord", "present", None)),
        ("She fainted at home this morning.", ("syncope_or_collapse", "present", None)),
        ("Konno score 9.", ("konno_lss_score_7_or_more", "present", None)),
    ],
)
def test_phrase_is_read(text: str, expected: tuple[str, str, str | None]) -> None:
    assert expected in _read(text)


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("Vertebral collapse at L1 on MRI.", "syncope_or_collapse"),
        ("Faint pedal pulses.", "syncope_or_collapse"),
        ("Konno score 4.", "konno_lss_score_7_or_more"),
        ("Differential includes polymyalgia rheumatica.", "shoulder_girdle_pain_bilateral"),
    ],
)
def test_near_miss_is_not_read(text: str, finding: str) -> None:
    assert finding not in {f for f, _, _ in _read(text)}
