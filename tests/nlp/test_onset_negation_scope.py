"""An onset word has its own negation scope, and a denial ends where the next clause begins (E s12).

"denies sudden weakness" denies a sudden weakness and says nothing of how the pain began, while a sudden
onset stays sudden whatever is denied beside it (an acutely ischaemic leg must not lose its onset to a denied
weakness). A denial before a comma does not reach a clause that narrates the complaint ("no fever, sudden
onset of ...", "no injury, felt a sudden pain ...")."""

from __future__ import annotations

import pytest

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]
from tests.nlp.reading import status_of


def _onset(text: str) -> str | None:
    return extract(text).case.onset


@pytest.mark.parametrize(
    "text",
    [
        "A 60-year-old man denies sudden weakness of the legs. Back pain for three weeks.",
        "No sudden loss of power in either leg; aching in the buttock for a month.",
        "She reports no abrupt change in her walking distance.",
    ],
)
def test_a_denied_onset_word_sets_no_onset(text: str) -> None:
    assert _onset(text) is None


@pytest.mark.parametrize(
    "text",
    [
        # the denial after the onset does not reach back to it
        "Sudden onset of a cold, painful left leg two hours ago; denies weakness.",
        "Sudden onset of a cold, painful left leg two hours ago, denies any weakness.",
        # a denied onset word first, an asserted one later: the later one says how the pain began
        "He denies sudden weakness. This morning sudden severe pain in the right calf.",
        # a denial before a comma does not reach the complaint narrated after it
        "He has no fever, sudden onset of pain in the left calf.",
        "No fall or strain, noticed a sudden sharp ache in the left calf.",
        "No history of trauma, presents with sudden pain in the left calf.",
        # a denial's scope that runs on past a comma does not deny the onset word of the complaint
        "No signal on handheld Doppler over the right foot pulses, sudden pain.",
    ],
)
def test_an_asserted_onset_word_reads_sudden(text: str) -> None:
    assert _onset(text) == "sudden"


def test_the_complaint_after_a_denied_fever_is_present() -> None:
    text = "He has no fever, sudden onset of pain in the left calf."
    assert status_of(text, "fever") == "absent"
    assert status_of(text, "sudden_onset") == "present"


def test_a_list_of_denials_keeps_its_sudden_item_denied() -> None:
    """The items stay denied. The onset word after the comma is read as sudden: the reader cannot tell a
    list's last item from the complaint after a denial, and a missed sudden onset is the unsafe error."""
    text = "Denies fever, sudden weakness or urinary retention."
    assert status_of(text, "urinary_retention") == "absent"
    assert status_of(text, "subjective_leg_weakness") == "absent"
