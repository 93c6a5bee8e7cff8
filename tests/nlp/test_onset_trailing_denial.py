"""An onset word denied by a denial that closes its phrase is no sudden onset (E s13, item 1).

"Sudden weakness denied." denied the weakness but still read a sudden onset of the complaint: the onset
word keeps its own negation scope (read_patient), which looked for the denial only before the word.
"""

from __future__ import annotations

import pytest

from nervemap.nlp import extract


def _onset(text: str) -> str | None:
    return extract(text).case.onset


@pytest.mark.parametrize(
    "text",
    [
        "A 40-year-old man with leg pain. Sudden weakness denied.",
        "A 40-year-old man with leg pain. Sudden numbness - none.",
    ],
)
def test_a_trailing_denial_denies_the_onset_word(text: str) -> None:
    assert _onset(text) != "sudden"


@pytest.mark.parametrize(
    "text",
    [
        # the denial closes another phrase: the onset stands
        "A 40-year-old man. Sudden pain in the calf; fever denied.",
        "A 40-year-old man. Sudden pain in the calf, fever denied.",
        "A 40-year-old man. No signal on Doppler over the foot pulses, sudden pain in the calf.",
    ],
)
def test_a_denial_of_another_phrase_leaves_the_onset(text: str) -> None:
    assert _onset(text) == "sudden"
