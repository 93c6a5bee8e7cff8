"""'Cannot bear weight' is a finding, not a negation of what follows it (H9's report, session 8).

As a ConText negation, "cannot" in "83F fell at home, cannot bear weight, left leg shortened and externally
rotated" also denied the shortened, externally rotated leg after the comma, and the hip-fracture deformity
red flag was lost (the case stayed an emergency only by probability). context.yaml now has a PSEUDO rule
for the inability to bear weight, like "could not walk on his heels".
"""

from __future__ import annotations

import pytest

from tests.nlp.reading import statuses


@pytest.mark.parametrize(
    "text",
    [
        "83F fell at home, cannot bear weight, left leg shortened and externally rotated.",
        "She is unable to weight bear and the right leg is shortened and externally rotated.",
        "Can't weight-bear, L leg shortened and externally rotated.",
    ],
)
def test_the_deformity_after_an_inability_to_bear_weight_is_present(text: str) -> None:
    found = statuses(text)
    assert found.get("inability_to_bear_weight") == "present"
    assert found.get("shortened_externally_rotated_leg") == "present"


def test_a_denied_deformity_is_still_denied() -> None:
    found = statuses("Unable to bear weight. The leg is not shortened or rotated.")
    assert found.get("inability_to_bear_weight") == "present"
    assert found.get("shortened_externally_rotated_leg") != "present"
