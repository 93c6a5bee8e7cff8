"""extract_many (notes through spaCy in batches) gives exactly what extract gives, note by note."""

from __future__ import annotations

import pytest

from nervemap.nlp import extract, extract_many
from tests.nlp.test_scan import NOTES

ODD = [
    "",
    "   ",
    "\x00\x01 binary",
    "Left L5 radiculopathy.\nSLR positive on the left.",
    "Ceci n'est pas une note.",
]


@pytest.mark.parametrize("batch_size", [1, 7, 64])
def test_same_as_one_by_one(batch_size: int) -> None:
    notes = [*ODD, *NOTES[:150], *ODD]
    assert list(extract_many(notes, batch_size=batch_size)) == [extract(note) for note in notes]


def test_every_note_and_setting() -> None:
    assert list(extract_many(NOTES)) == [extract(note) for note in NOTES]
    some = NOTES[:40]
    got = list(extract_many(some, setting="emergency"))
    assert got == [extract(note, setting="emergency") for note in some]


def test_refuses_what_extract_refuses() -> None:
    with pytest.raises(ValueError):
        list(extract_many(["note"], batch_size=0))
    with pytest.raises(TypeError):
        list(extract_many([b"bytes"]))  # type: ignore[list-item]
    with pytest.raises(ValueError):
        list(extract_many(["note"], setting="nowhere"))
