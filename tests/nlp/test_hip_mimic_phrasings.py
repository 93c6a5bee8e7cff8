"""Hip-mimic wordings (issue 12, H3): trochanteric tenderness on either or both sides, pain that comes
on with weight-bearing, and "no better" which says unchanged, not absent."""

from __future__ import annotations

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]


def _found(text: str) -> set[tuple[str, str, str | None]]:
    return {(f.id, str(f.status), f.side) for f in extract(text).case.findings}


def test_tenderness_over_both_greater_trochanters_is_bilateral_trochanteric_tenderness() -> None:
    assert ("trochanter_tenderness", "present", "bilateral") in _found(
        "She has tenderness over both greater trochanters."
    )
    assert ("trochanter_tenderness", "present", "right") in _found(
        "Tender over the right greater trochanter."
    )
    assert ("trochanter_tenderness", "absent", None) in _found(
        "There is no tenderness over the greater trochanters."
    )


def test_pain_that_comes_on_with_weight_bearing() -> None:
    for text in (
        "It now comes on mainly with weight-bearing and eases off weight-bearing.",
        "The hip pain is brought on by weight bearing.",
        "The pain is worse with weight-bearing.",
    ):
        assert ("hip_pain_weight_bearing", "present", None) in _found(text), text


def test_no_better_does_not_deny_what_follows() -> None:
    found = _found(
        "Two months later she was no better, with more low back pain and tenderness over both greater "
        "trochanters."
    )
    assert ("back_pain", "present", None) in found
    assert ("trochanter_tenderness", "present", "bilateral") in found
    # a real denial after it still counts
    assert ("leg_numbness", "absent", None) in _found("He is not any better and has no numbness.")
