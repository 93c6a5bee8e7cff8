"""How the pain began, read from a note (issue 12): the onset reaches the engine as sudden_onset
(present or absent), and a gradual onset counts against the vascular emergencies, so only words
about the start of the pain, or a worsening course over days, say "gradual"."""

from __future__ import annotations

import pytest

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]


def _onset(text: str) -> str | None:
    return extract(text).case.onset


@pytest.mark.parametrize(
    "text",
    [
        "The pain came on gradually over several weeks.",
        "A four-month history of gradual onset of right-sided low back pain.",
        "Insidious low back pain for 6 months.",
        "HX: This 75y/o RHM presented with a 10 day h/o progressively worsening LBP.",
        "Non-radiating lumbar pain of 1 week's duration, of progressive intensity.",
    ],
)
def test_words_about_the_start_or_a_worsening_course_over_days_read_gradual(text: str) -> None:
    assert _onset(text) == "gradual"


@pytest.mark.parametrize(
    "text",
    [
        # an abrupt start that worsens over hours is not a gradual onset
        "This morning his right leg became cold, pale and painful; the pain is getting progressively worse.",
        # recovery, not onset
        "He is gradually tolerating more activities after the fracture.",
        "Gradual improvement of the back pain with physiotherapy.",
        "The swelling has progressively improved.",
    ],
)
def test_a_course_within_hours_or_a_recovery_does_not_read_gradual(text: str) -> None:
    assert _onset(text) is None


def test_a_sudden_start_reads_sudden() -> None:
    assert _onset("Sudden onset of severe pain in the right calf two hours ago.") == "sudden"
