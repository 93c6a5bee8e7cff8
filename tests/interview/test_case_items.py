"""One model of what can be said about a case (issue 17 item 3): engine/items.py checks a value
of a case item and makes its change; the interview and the FHIR importers both go through it, so
the same thing said either way changes the case the same way."""

from __future__ import annotations

from typing import Any

import pytest

from nervemap.engine.case import Case, Scores, Status
from nervemap.engine.compiled import default_compiled
from nervemap.engine.items import (
    FIELD_RANGES,
    SCORE_RANGES,
    Item,
    ItemKind,
    ItemValueError,
    apply,
    change,
    check,
)
from nervemap.interop import terminology as t
from nervemap.interop.case_builder import CaseDraft, Coded
from nervemap.interview import answers
from nervemap.interview.catalogue import Kind, default_catalogue
from nervemap.knowledge import vocabulary as v


def _case_of(pairs: list[tuple[Item, Any]]) -> Case:
    return apply(Case(), pairs)


def test_the_ranges_are_the_case_models() -> None:
    schema = Case.model_json_schema()
    scores = schema["$defs"]["Scores"]["properties"]
    for name, (value_type, low, high) in SCORE_RANGES.items():
        bounds = next(option for option in scores[name]["anyOf"] if option.get("type") != "null")
        assert (bounds["minimum"], bounds["maximum"]) == (low, high), name
        assert bounds["type"] == ("integer" if value_type == "integer" else "number"), name
    assert set(SCORE_RANGES) == set(Scores.model_fields)
    for kind, (field, _, low, high) in FIELD_RANGES.items():
        bounds = next(
            option for option in schema["properties"][field]["anyOf"] if option.get("type") != "null"
        )
        assert (bounds["minimum"], bounds["maximum"]) == (low, high), kind


@pytest.mark.parametrize(
    ("item", "value"),
    [
        (Item(ItemKind.STRENGTH, "ankle_dorsiflexion", "left"), 6),
        (Item(ItemKind.STRENGTH, "ankle_dorsiflexion", "left"), 2.5),
        (Item(ItemKind.STRENGTH, "ankle_dorsiflexion", "up"), 3),
        (Item(ItemKind.REFLEX, "ankle", "right"), 5),
        (Item(ItemKind.REFLEX, "ankle", "right"), True),
        (Item(ItemKind.SENSATION, "foot_dorsum", "left"), "numb"),
        (Item(ItemKind.AGE), 121),
        (Item(ItemKind.AGE), "45"),
        (Item(ItemKind.DURATION), -1),
        (Item(ItemKind.SEX), "other"),
        (Item(ItemKind.ONSET), "slow"),
        (Item(ItemKind.SETTING), "home"),
        (Item(ItemKind.SCORE, "rmdq"), 3.5),
        (Item(ItemKind.SCORE, "pain_nrs"), 11),
        (Item(ItemKind.SCORE, "mood"), 3),
        (Item(ItemKind.FINDING, "back_pain"), "maybe"),
        (Item(ItemKind.FINDING, "back_pain", "front"), "present"),
        (Item(ItemKind.FINDING_SIDE, "foot_drop"), "both"),
        (Item(ItemKind.PAIN, "calf", "left"), "ache"),
        (Item(ItemKind.PAIN_COMPLETE), "yes"),
    ],
)
def test_a_value_its_item_cannot_take_is_refused(item: Item, value: Any) -> None:
    with pytest.raises(ItemValueError):
        check(item, value)


def test_every_vocabulary_word_is_taken() -> None:
    for status in v.SENSATION_STATUSES:
        assert check(Item(ItemKind.SENSATION, "calf", "left"), status) == status
    for kind in v.SYMPTOM_KINDS:
        assert check(Item(ItemKind.PAIN, "calf", "left"), kind).value == kind
    for side in v.SIDES_OR_BOTH:
        assert check(Item(ItemKind.FINDING_SIDE, "foot_drop"), side) == side
    for grade in v.MRC_GRADES:
        assert check(Item(ItemKind.STRENGTH, "hip_flexion", "left"), grade) == grade
    for grade in v.REFLEX_GRADES:
        assert check(Item(ItemKind.REFLEX, "knee", None), grade) == grade


def test_every_number_question_stays_inside_its_items_range() -> None:
    """A normalised answer is never refused by its item: each number question's range, scaled,
    lies inside the range of the case field or score it sets."""
    for question in default_catalogue().questions:
        if question.kind != Kind.NUMBER:
            continue
        assert question.minimum is not None and question.maximum is not None
        field = str(question.field)
        if field in SCORE_RANGES:
            _, low, high = SCORE_RANGES[field]
        else:
            _, _, low, high = FIELD_RANGES[answers.NUMBER_ITEMS[field]]
        assert low <= question.minimum * question.scale and question.maximum * question.scale <= high, (
            question.id
        )


def _question(kind: Kind, **wanted: Any) -> Any:
    return next(
        q
        for q in default_catalogue().questions
        if q.kind == kind and all(getattr(q, name) == value for name, value in wanted.items())
    )


def test_the_interview_and_the_fhir_import_make_the_same_change() -> None:
    compiled = default_compiled()
    strength = _question(Kind.EXAM_STRENGTH)
    movement = strength.movements[0]
    region = next(r for r in compiled.regions.values() if r.lateral)
    sensation = _question(Kind.BODY_MAP, target="sensation")
    said = [
        (strength, [{"movement": movement, "side": "left", "grade": 3}]),
        (sensation, [{"region": region.id, "side": "right", "status": "reduced"}]),
    ]
    interviewed = Case()
    for question, raw in said:
        interviewed = answers.apply(question, answers.normalise(question, raw, compiled), interviewed)
    draft = CaseDraft()
    draft.apply(ItemKind.STRENGTH, movement, "left", 3, "strength")
    draft.apply(
        ItemKind.SENSATION, region.id, "right", Coded(frozenset({(t.SENSATION, "reduced")})), "sensation"
    )
    imported = draft.build()
    direct = _case_of(
        [
            (Item(ItemKind.STRENGTH, movement, "left"), 3),
            (Item(ItemKind.SENSATION, region.id, "right"), "reduced"),
        ]
    )
    for case in (interviewed, imported):
        assert case.strength == direct.strength
        assert case.sensation == direct.sensation


def test_a_yes_no_answer_is_a_finding_item() -> None:
    question = _question(Kind.YES_NO_UNKNOWN)
    said = answers.said(question, "yes", Case())
    assert said == [(Item(ItemKind.FINDING, fid), Status.PRESENT) for fid in question.findings]
    case = answers.apply(question, "yes", Case())
    assert [(f.id, f.status) for f in case.findings] == [(fid, Status.PRESENT) for fid in question.findings]


def test_leg_and_back_pain_keep_the_single_pain_score() -> None:
    leg = _question(Kind.NUMBER, field="leg_pain_nrs")
    back = _question(Kind.NUMBER, field="back_pain_nrs")
    case = answers.apply(back, 4.0, answers.apply(leg, 7.0, Case()))
    assert (case.scores.leg_pain_nrs, case.scores.back_pain_nrs, case.scores.pain_nrs) == (7.0, 4.0, 7.0)


def test_an_empty_pain_map_is_a_given_map() -> None:
    question = _question(Kind.BODY_MAP, target="pain_map")
    assert answers.apply(question, [], Case()).pain_map == []
    assert apply(Case(), [(Item(ItemKind.PAIN_COMPLETE), True)]).pain_map == []
    assert apply(Case(), [(Item(ItemKind.PAIN_COMPLETE), False)]).pain_map is None


def test_a_finding_side_makes_no_change_on_its_own() -> None:
    with pytest.raises(ItemValueError):
        change(Item(ItemKind.FINDING_SIDE, "foot_drop"), "left")
