"""The entries a case change appends are built without ``model_construct``'s loop (issue 16 item
6): each is what ``model_construct`` of the same fields gives - the same values in the same order,
the same fields set - and what validating those fields gives."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from nervemap.engine.case import PainMark, ReflexTest, ReportedFinding, SensationTest, Status, StrengthTest
from nervemap.engine.items import Item, ItemKind, change, check
from nervemap.knowledge.models import SymptomKind

CASES: list[tuple[Item, Any, type[BaseModel], dict[str, Any]]] = [
    (Item(ItemKind.FINDING, "slr_positive"), Status.PRESENT, ReportedFinding, {}),
    (Item(ItemKind.FINDING, "slr_positive", "left"), "absent", ReportedFinding, {}),
    (Item(ItemKind.FINDING, "slr_positive", "bilateral"), Status.PRESENT, ReportedFinding, {}),
    (Item(ItemKind.PAIN, "posterior_thigh", "right"), "numbness", PainMark, {}),
    (Item(ItemKind.PAIN, "lower_back"), "pain", PainMark, {}),
    (Item(ItemKind.STRENGTH, "ankle_dorsiflexion", "left"), 4, StrengthTest, {}),
    (Item(ItemKind.REFLEX, "achilles", None), 0, ReflexTest, {}),
    (Item(ItemKind.SENSATION, "dorsum_foot", "left"), "reduced", SensationTest, {}),
]

_FIELD = {
    ReportedFinding: ("id", "status"),
    PainMark: ("region", "kind"),
    StrengthTest: ("movement", "grade"),
    ReflexTest: ("reflex", "grade"),
    SensationTest: ("region", "status"),
}


def _same(made: BaseModel, expected: BaseModel) -> None:
    assert type(made) is type(expected)
    assert list(made.__dict__.items()) == list(expected.__dict__.items())
    assert [type(v) for v in made.__dict__.values()] == [type(v) for v in expected.__dict__.values()]
    assert made.model_fields_set == expected.model_fields_set
    assert made.__pydantic_extra__ is None and made.__pydantic_private__ is None
    assert made == expected and hash(made) == hash(expected)


@pytest.mark.parametrize(("item", "value", "model", "_"), CASES)
def test_change_makes_what_model_construct_and_validation_make(
    item: Item, value: Any, model: type[BaseModel], _: dict[str, Any]
) -> None:
    made = change(item, value).value
    target, checked = _FIELD[model]
    fields = {target: item.target, "side": item.side, checked: check(item, value)}
    fields = {name: fields[name] for name in model.model_fields}  # declared order
    _same(made, model.model_construct(**fields))
    _same(made, model.model_validate(fields))


def test_pain_map_marks_as_model_construct() -> None:
    marks = [
        {"region": "posterior_thigh", "side": "left", "kind": "pain"},
        {"region": "lower_back", "side": None, "kind": "numbness"},
    ]
    made = change(Item(ItemKind.PAIN_MAP), marks).value
    for mark, raw in zip(made, marks, strict=True):
        _same(
            mark,
            PainMark.model_construct(region=raw["region"], side=raw["side"], kind=SymptomKind(raw["kind"])),
        )
