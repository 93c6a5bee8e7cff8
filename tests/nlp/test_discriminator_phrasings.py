"""The issue-14 discriminators as clinicians write them: the reader must get each one from text.

L5 vs common fibular (ankle inversion, hip abduction, Tinel at the fibular head); L4 vs femoral
(hip adduction); meralgia vs L2 (lateral thigh sensation); S1 vs tarsal tunnel (sole, ankle jerk,
Tinel behind the medial malleolus).
"""

from __future__ import annotations

from typing import Any

import pytest

from nervemap.nlp import extract


def _read(text: str) -> set[tuple[Any, ...]]:
    case = extract(text).case
    return (
        {(s.movement, s.side, s.grade) for s in case.strength}
        | {(r.reflex, r.side, r.grade) for r in case.reflexes}
        | {(t.region, t.side, t.status) for t in case.sensation}
        | {(f.id, f.status.value, f.side) for f in case.findings}
        | {(p.region, p.side, p.kind.value) for p in case.pain_map or []}
    )


@pytest.mark.parametrize(
    ("text", "item"),
    [
        # L5 vs common fibular
        ("Ankle inversion is strong on the left.", ("ankle_inversion", "left", 5)),
        ("Left tibialis posterior is 5/5.", ("ankle_inversion", "left", 5)),
        ("Inversion of the right foot is weak.", ("ankle_inversion", "right", 4)),
        ("Gluteus medius 4/5 on the right.", ("hip_abduction", "right", 4)),
        ("Hip abduction is weak on the left.", ("hip_abduction", "left", 4)),
        ("Tinel's sign is positive at the left fibular head.", ("tinel_fibular_head", "present", "left")),
        ("Tinel sign was negative over the right fibular neck.", ("tinel_fibular_head", "absent", "right")),
        # L4 vs femoral
        ("Hip adductors are 5/5 bilaterally.", ("hip_adduction", "right", 5)),
        ("Weakness of thigh adduction on the right.", ("hip_adduction", "right", 4)),
        ("Right quadriceps 4/5.", ("knee_extension", "right", 4)),
        ("Iliopsoas 4/5 on the left.", ("hip_flexion", "left", 4)),
        # meralgia vs L2
        ("Numbness over the lateral thigh on the left.", ("thigh_lateral", "left", "numbness")),
        # S1 vs tarsal tunnel
        ("Numbness of the sole of the right foot.", ("foot_sole", "right", "numbness")),
        ("The right ankle jerk is absent.", ("achilles", "right", 0)),
        ("Plantar flexion is 4/5 on the left.", ("ankle_plantarflexion", "left", 4)),
        ("Tinel's sign is positive at the right tarsal tunnel.", ("tinel_tarsal_tunnel", "present", "right")),
        (
            "Tinel's sign is clearly positive on percussion behind the right medial malleolus.",
            ("tinel_tarsal_tunnel", "present", "right"),
        ),
    ],
)
def test_discriminator_is_read(text: str, item: tuple[Any, ...]) -> None:
    assert item in _read(text)


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("There is tenderness around the left fibular neck.", ("knee_lateral", "left", "pain")),
        ("The left gluteal muscles are tender.", ("buttock", "left", "pain")),
    ],
)
def test_tenderness_at_a_place_is_pain_there(text: str, item: tuple[Any, ...]) -> None:
    assert item in _read(text)


def test_a_foot_drop_with_tenderness_at_the_fibular_neck_is_the_common_fibular_nerve() -> None:
    from nervemap.engine.assess import assess

    text = "A 50-year-old woman noticed a right foot drop yesterday. Tenderness over the right fibular head."
    top = assess(extract(text).case).localization[0]
    assert (str(top.site), top.nerve, top.side) == ("peripheral-nerve", "common_fibular", "right")
