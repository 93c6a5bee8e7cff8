"""A list of body parts that shares one symptom and one side gives every part both (issue 14)."""

from __future__ import annotations

from nervemap.nlp import extract

_LEG_REGIONS = {"thigh_posterior", "calf", "foot_sole", "knee_anterior", "great_toe"}


def _pain(text: str) -> set[tuple[str, str | None, str]]:
    return {(p.region, p.side, p.kind.value) for p in extract(text).case.pain_map or []}


def _regions(text: str, side: str, kind: str = "pain") -> set[str]:
    return {region for region, s, k in _pain(text) if s == side and k == kind}


def test_a_leg_after_an_unknown_member_and_a_repeated_side_is_read() -> None:
    regions = _regions("Pain in the right buttock, pelvis and right leg.", "right")
    assert "buttock" in regions
    assert regions >= _LEG_REGIONS
    assert not _regions("Pain in the right buttock, pelvis and right leg.", "left")


def test_a_list_without_a_repeated_side_shares_the_first_side() -> None:
    regions = _regions("She reports pain in the right buttock, thigh and calf.", "right")
    assert {"buttock", "thigh_anterior", "thigh_posterior", "calf"} <= regions
    assert not _regions("She reports pain in the right buttock, thigh and calf.", "left")


def test_a_leg_listed_after_a_sided_buttock_takes_its_side_and_numbness() -> None:
    regions = _regions("Numbness of the left buttock and leg.", "left", "numbness")
    assert "buttock" in regions
    assert regions >= _LEG_REGIONS
    assert not _regions("Numbness of the left buttock and leg.", "right", "numbness")


def test_a_side_named_after_the_list_applies_to_every_member() -> None:
    text = "He has pain in the buttock and posterior thigh on the right."
    assert _pain(text) == {("buttock", "right", "pain"), ("thigh_posterior", "right", "pain")}
    leg_text = "He has pain in the buttock and leg on the right."
    assert {"buttock"} | _LEG_REGIONS <= _regions(leg_text, "right")
    assert not _regions(leg_text, "left")


def test_a_negated_list_negates_every_member() -> None:
    extraction = extract("Left buttock pain. No pain in the thigh or calf.")
    assert {(p.region, p.side) for p in extraction.case.pain_map or []} == {("buttock", "left")}
    absent = {item.value for item in extraction.items if item.kind == "pain" and item.status == "absent"}
    assert any(value.startswith("thigh_posterior") for value in absent)
    assert any(value.startswith("calf") for value in absent)


def test_a_negated_list_with_the_leg_adds_no_leg_pain() -> None:
    pain = _pain("Left buttock pain. No pain in the hip or leg.")
    assert ("calf", "left", "pain") not in pain
    assert ("foot_sole", "left", "pain") not in pain


def test_a_list_across_two_sides_keeps_each_side() -> None:
    assert _pain("Pain in the right buttock and left calf.") == {
        ("buttock", "right", "pain"),
        ("calf", "left", "pain"),
    }
    pain = _pain("Pain in the right buttock and left leg.")
    assert ("buttock", "right", "pain") in pain
    assert ("buttock", "left", "pain") not in pain
    assert {(r, "left", "pain") for r in _LEG_REGIONS} <= pain
    assert not {(r, "right", "pain") for r in _LEG_REGIONS} & pain


def test_sensation_over_a_listed_leg_is_not_a_leg_map() -> None:
    extraction = extract("Reduced sensation over the right thigh and leg.")
    regions = {t.region for t in extraction.case.sensation}
    assert "foot_sole" not in regions
