"""A new clause with its own subject and verb ends a negation's scope (H10's review, session 8).

"Without fever, she felt a sudden severe pain in the calf" read the sudden severe pain as ABSENT (hiding
a limb-ischaemia or DVT cue), and "No trauma, she felt the back pain after lifting" the back pain.
"""

from __future__ import annotations

import pytest

from tests.nlp.reading import statuses


@pytest.mark.parametrize(
    ("text", "denied", "asserted"),
    [
        ("Without fever, she felt a sudden severe pain in the calf.", "fever", "sudden_severe_leg_pain"),
        ("No trauma, she felt the back pain after lifting.", "minor_trauma", "back_pain"),
    ],
)
def test_the_complaint_after_a_denial_is_present(text: str, denied: str, asserted: str) -> None:
    found = statuses(text)
    assert found.get(denied) == "absent"
    assert found.get(asserted) == "present"


def test_a_denial_in_the_new_clause_still_denies() -> None:
    found = statuses("No fever, she denies numbness.")
    assert found.get("fever") == "absent"
    assert found.get("leg_numbness") == "absent"
