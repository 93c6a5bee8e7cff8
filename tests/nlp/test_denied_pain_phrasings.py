"""Denials that cover a whole kind of symptom (issue 14 item 5, H2): "no pain" at all, "no sensory
symptoms", "no injury" / "no preceding trauma". A pain denied in one place or at one time stays
where it is."""

from __future__ import annotations

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]


def _found(text: str) -> set[tuple[str, str]]:
    return {(f.id, str(f.status)) for f in extract(text).case.findings}


def test_no_pain_at_all_denies_back_and_radiating_leg_pain() -> None:
    for text in (
        "A woman has weakness of the right thigh. She reports no injury, no pain and no sensory symptoms.",
        "He has no pain, numbness or tingling in the legs.",
        "Painless weakness of the right quadriceps.",
    ):
        found = _found(text)
        assert ("back_pain", "absent") in found, text
        assert ("radiating_leg_pain", "absent") in found, text


def test_a_pain_denied_in_one_place_or_at_one_time_is_not_a_denial_of_all_pain() -> None:
    for text in (
        "No pain on palpation of the spine. Back pain for 3 weeks.",
        "He denies pain at rest but has back pain and sciatica.",
        "No pain below the knee; back pain with sciatica for two weeks.",
        "Paracetamol gave no pain relief. He has back pain.",
    ):
        found = _found(text)
        assert ("back_pain", "absent") not in found, text
        assert ("radiating_leg_pain", "absent") not in found, text


def test_no_sensory_symptoms_denies_numbness_and_tingling() -> None:
    found = _found("A woman has weakness of the right thigh and no sensory symptoms.")
    assert {("leg_numbness", "absent"), ("leg_tingling", "absent")} <= found


def test_no_injury_or_trauma_denies_both_kinds_of_trauma() -> None:
    for text in (
        "A man developed pain in the right buttock with no preceding trauma.",
        "Back pain radiating to the right thigh. There was no trauma.",
        "Right leg weakness for a week; she denies any injury.",
    ):
        found = _found(text)
        assert {("significant_trauma", "absent"), ("minor_trauma", "absent")} <= found, text


def test_an_injury_elsewhere_is_not_denied_trauma() -> None:
    found = _found("Back pain radiating to the right leg; no injury to the arm.")
    assert ("minor_trauma", "absent") not in found
