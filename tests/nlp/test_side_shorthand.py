"""Clinicians' R/L shorthand and a disc named by its zone."""

from __future__ import annotations

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]


def test_r_and_l_before_a_body_part_or_after_a_grade_are_sides() -> None:
    case = extract(
        "52M, 6 weeks of R anterior thigh pain to the knee, quads 4/5 R, R knee jerk reduced, "
        "FNST positive R."
    ).case
    assert {(s.movement, s.side, s.grade) for s in case.strength} == {("knee_extension", "right", 4)}
    assert {(r.reflex, r.side) for r in case.reflexes} == {("patellar", "right")}
    assert {(m.region, m.side) for m in case.pain_map or []} >= {("thigh_anterior", "right")}


def test_a_level_is_never_a_side() -> None:
    case = extract("MRI: L4/5 left paracentral disc protrusion. Left EHL 4/5.").case
    assert [(i.level, i.side) for i in case.imaging] == [("L4-L5", "left")]
    assert {(s.movement, s.side) for s in case.strength} == {("great_toe_extension", "left")}


def test_a_disc_named_by_its_zone_is_a_herniation_at_that_level() -> None:
    case = extract("MRI: R far-lateral L3/4 disc.").case
    assert [(i.kind, i.level, i.zone.value if i.zone else None, i.side) for i in case.imaging] == [
        ("disc-herniation", "L3-L4", "far-lateral", "right")
    ]


def test_tinel_behind_the_medial_malleolus_is_the_tarsal_tunnel() -> None:
    case = extract("Burning sole. Tinel positive behind the right medial malleolus.").case
    assert ("tinel_tarsal_tunnel", "present") in {(f.id, str(f.status)) for f in case.findings}
