"""A fixed hip or pelvic fracture whatever the order of its side and fracture words (E s13, item 5).

"internal fixation of a fractured left acetabulum" (the fracture word before the side) was not read as a
recent hip or pelvic operation, which the nerve mimics' history counts (findings.yaml, M s12/s13).
"""

from __future__ import annotations

import pytest

from tests.nlp.reading import statuses


@pytest.mark.parametrize(
    "text",
    [
        "Foot drop since internal fixation of a fractured left acetabulum three weeks ago.",
        "Foot drop since ORIF of a fractured left acetabulum three weeks ago.",
        "Foot drop since internal fixation of a left fractured acetabulum three weeks ago.",
    ],
)
def test_the_fixed_fracture_is_a_recent_pelvic_operation(text: str) -> None:
    assert statuses(text).get("recent_hip_or_pelvic_surgery") == "present"


def test_a_fixation_in_the_past_surgical_history_is_not_recent() -> None:
    text = "Past surgical history: internal fixation of a fractured left acetabulum in 2009.\nLeft foot drop."
    assert statuses(text).get("recent_hip_or_pelvic_surgery") != "present"
