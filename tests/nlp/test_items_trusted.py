"""The readers' items are built without validating each (``draft._item``, issue 16 item 6): every
item of every test note is what validating its own fields gives - the same values of the same
types, the same fields set - so trusting the readers changes nothing a caller sees."""

from __future__ import annotations

from nervemap.nlp import extract_many
from nervemap.nlp.models import ExtractedItem

from .test_scan import NOTES


def test_items_are_what_validation_makes_of_them() -> None:
    checked = 0
    for extraction in extract_many(NOTES):
        for item in extraction.items:
            validated = ExtractedItem.model_validate(dict(item.__dict__))
            assert validated == item
            assert [type(v) for v in validated.__dict__.values()] == [type(v) for v in item.__dict__.values()]
            assert list(validated.__dict__) == list(item.__dict__)  # the declared order, as serialised
            assert validated.model_fields_set == item.model_fields_set
            assert validated.model_dump_json() == item.model_dump_json()
            checked += 1
    assert checked > 5000
