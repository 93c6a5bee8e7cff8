"""Non-neural mimics and the development set's top-3 misses (issue 12, H3 session 6): each test is
named for the general error it corrects (a reader rule or a cited number), never for one case."""

from __future__ import annotations

from nervemap.engine.assess import assess
from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]


def _findings(text: str) -> dict[str, str]:
    return {f.id: f.status for f in extract(text).case.findings}


def _rank(text: str, condition: str) -> int:
    ids = [d.id for d in assess(extract(text).case).differential]
    return ids.index(condition) + 1 if condition in ids else 99


def test_claudication_on_its_own_carries_relief_on_standing_still() -> None:
    # Edinburgh Claudication Questionnaire (Leng and Fowkes 1992): claudication is walking pain that
    # goes within 10 minutes of standing still
    for text in (
        "She presents with lower extremity claudication.",
        "He has intermittent claudication of the right calf.",
        "Vascular claudication at 200 yards.",
    ):
        found = _findings(text)
        assert found.get("leg_pain_on_walking") == "present", text
        assert found.get("relief_standing_still") == "present", text


def test_neurogenic_or_denied_claudication_says_nothing_about_relief_on_standing_still() -> None:
    for text in (
        "He is suffering from neurogenic claudication.",
        "Pseudoclaudication after ten minutes of walking.",
        "He did not have claudication.",
        "Occasional cramping (?claudication) after walking.",
    ):
        assert "relief_standing_still" not in _findings(text), text


def test_claudication_in_an_older_woman_puts_arterial_disease_in_the_top_three() -> None:
    text = "The patient presents with lower extremity claudication. She is a 68-year-old woman."
    assert _rank(text, "peripheral_arterial_disease") <= 3
