"""A limited walking distance is claudication, not a fracture sign (review finding, H12): "can't walk
more than 100 yards" or "can't walk far" read as inability_to_bear_weight put leg or hip fracture into
the differential of an old person with claudication. "Unable to walk" after a fall still reads it."""

from __future__ import annotations

import pytest

from nervemap.nlp import extract

FINDING = "inability_to_bear_weight"


def _present(text: str) -> bool:
    return FINDING in {f.id for f in extract(text).case.findings if f.status == "present"}


@pytest.mark.parametrize(
    "text",
    [
        "70 year old man, cannot walk more than 100 yards because of calf pain.",
        "82 year old woman who can't walk far because of her back.",
        "He is unable to walk for long before his legs ache.",
        "Unable to walk on his heels on the left.",
        "She cannot walk without a stick.",
        "He can't walk normally since the stroke.",
    ],
)
def test_a_walking_limit_is_not_inability_to_bear_weight(text: str) -> None:
    assert not _present(text)


@pytest.mark.parametrize(
    "text",
    [
        "After a fall she is unable to walk and the leg is shortened.",
        "He can't walk since the fall this morning.",
        "She has not been able to walk since yesterday, febrile.",
        "Inability to walk after the injury.",
        "Physical exam is notable for an inability of the patient to bear weight on his left leg.",
    ],
)
def test_not_walking_at_all_is_inability_to_bear_weight(text: str) -> None:
    assert _present(text)
