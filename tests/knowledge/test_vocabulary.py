"""One definition per vocabulary (issue 17 item 3): sides, disc levels, herniation zones, imaging
kinds, symptom kinds, sensation statuses, sexes, onsets and grades are written once, in
knowledge/vocabulary.py; the case model's schema, the FHIR Questionnaire, the web forms and the
interview's answer checks are rendered from it, and no other module spells one of them out."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from nervemap.engine.case import Case
from nervemap.engine.compiled import default_compiled
from nervemap.interop import imaging_items
from nervemap.interop.items import QuestionSet
from nervemap.interop.questionnaire import build_questionnaire
from nervemap.interview.answers import AnswerError, normalise
from nervemap.interview.catalogue import default_catalogue
from nervemap.knowledge import vocabulary as v
from nervemap.web import bodymap, forms

SRC = Path(__file__).resolve().parents[2] / "src" / "nervemap"
VOCABULARIES = {
    "sides": v.SIDES,
    "sides or both": v.SIDES_OR_BOTH,
    "disc levels": v.DISC_LEVELS,
    "imaging kinds": v.IMAGING_KINDS,
    "herniation zones": v.HERNIATION_ZONES,
    "symptom kinds": v.SYMPTOM_KINDS,
    "sensation statuses": v.SENSATION_STATUSES,
    "sexes": v.SEXES,
    "onsets": v.ONSETS,
}


def _enum(schema: dict[str, Any], *path: str) -> list[str]:
    """The allowed values of a (possibly optional) property of the Case schema."""
    defs = schema.get("$defs", {})
    node: dict[str, Any] = schema
    for name in path:
        node = node["properties"][name]
        for key in ("anyOf",):
            if key in node:
                node = next(option for option in node[key] if option.get("type") != "null")
        if "$ref" in node:
            node = defs[node["$ref"].rsplit("/", 1)[1]]
        if node.get("type") == "array":
            node = node["items"]
            if "$ref" in node:
                node = defs[node["$ref"].rsplit("/", 1)[1]]
    if "$ref" in node:
        node = defs[node["$ref"].rsplit("/", 1)[1]]
    return list(node["enum"])


def test_the_case_schema_is_rendered_from_the_vocabulary() -> None:
    schema = Case.model_json_schema()
    assert _enum(schema, "sex") == list(v.SEXES)
    assert _enum(schema, "onset") == list(v.ONSETS)
    assert _enum(schema, "imaging", "kind") == list(v.IMAGING_KINDS)
    assert _enum(schema, "imaging", "level") == list(v.DISC_LEVELS)
    assert _enum(schema, "imaging", "zone") == list(v.HERNIATION_ZONES)
    assert _enum(schema, "imaging", "side") == list(v.SIDES_OR_BOTH)
    assert _enum(schema, "pain_map", "side") == list(v.SIDES)
    assert _enum(schema, "pain_map", "kind") == list(v.SYMPTOM_KINDS)
    assert _enum(schema, "sensation", "status") == list(v.SENSATION_STATUSES)
    strength = schema["$defs"]["StrengthTest"]["properties"]["grade"]
    reflex = schema["$defs"]["ReflexTest"]["properties"]["grade"]
    assert (strength["minimum"], strength["maximum"]) == (min(v.MRC_GRADES), max(v.MRC_GRADES))
    assert (reflex["minimum"], reflex["maximum"]) == (min(v.REFLEX_GRADES), max(v.REFLEX_GRADES))


def _options(items: list[dict[str, Any]], link_id: str) -> list[str]:
    for item in items:
        if item["linkId"] == link_id:
            return [o["valueCoding"]["code"] for o in item["answerOption"]]
        found = _options(item.get("item", []), link_id)
        if found:
            return found
    return []


def test_the_questionnaire_offers_the_vocabulary() -> None:
    questionnaire = build_questionnaire(QuestionSet.ALL, default_compiled().knowledge)
    items = questionnaire.model_dump(mode="json", exclude_none=True)["item"]
    assert _options(items, "imaging.kind") == list(v.IMAGING_KINDS)
    assert _options(items, "imaging.level") == list(v.DISC_LEVELS)
    assert _options(items, "imaging.zone") == list(v.HERNIATION_ZONES)
    assert _options(items, "patient.sex") == list(v.SEXES)
    assert _options(items, "patient.onset") == list(v.ONSETS)
    assert imaging_items.KINDS == v.IMAGING_KINDS


def test_the_web_forms_offer_the_vocabulary() -> None:
    assert forms.IMAGING_OPTIONS == {
        "img_kind": v.IMAGING_KINDS,
        "img_level": v.DISC_LEVELS,
        "img_zone": v.HERNIATION_ZONES,
        "img_side": v.SIDES_OR_BOTH,
    }
    assert set(forms.SENSATION_KINDS) == set(v.SENSATION_STATUSES)
    assert bodymap.MARK_KINDS == v.SYMPTOM_KINDS
    assert bodymap.SIDES == v.SIDES


@pytest.mark.parametrize("status", [*v.SENSATION_STATUSES, "numb"])
def test_the_interview_accepts_exactly_the_sensation_statuses(status: str) -> None:
    question = next(q for q in default_catalogue().questions if q.target == "sensation")
    region = next(r for r in default_compiled().regions.values() if r.lateral)
    entry = [{"region": region.id, "side": "left", "status": status}]
    if status in v.SENSATION_STATUSES:
        assert normalise(question, entry, default_compiled())[0]["status"] == status
    else:
        with pytest.raises(AnswerError):
            normalise(question, entry, default_compiled())


def _words(elements: list[ast.expr]) -> tuple[str, ...] | None:
    if elements and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in elements):
        return tuple(str(e.value) for e in elements if isinstance(e, ast.Constant))
    return None


def _string_tuples(path: Path) -> list[tuple[int, tuple[str, ...]]]:
    """(line, words) of every tuple, list or Literal made only of strings."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        words = None
        if isinstance(node, ast.Tuple | ast.List):
            words = _words(node.elts)
        elif (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Name)
            and node.value.id == "Literal"
        ):
            words = _words(node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice])
        if words is not None:
            found.append((getattr(node, "lineno", 0), words))
    return found


# What still spells a vocabulary out, each with its reason.
ALLOWED = {
    "api/schemas.py": "the API's output model of a localisation (owned by the services helper; to do)",
    "nlp/rules.py": "the keys of the text reader's phrase lists (nlp/data), read by the reader's own schema",
    "nlp/read_body.py": "the order in which the reader tries the sensation statuses (the strongest first)",
}


def test_no_module_spells_out_a_vocabulary_of_its_own() -> None:
    """A tuple, list or Literal of exactly one vocabulary's words (in any order) outside
    knowledge/vocabulary.py is a copy; the two sides are left out (``("left", "right")`` also
    names the two legs of a loop), the rest counted."""
    wanted = {frozenset(words): name for name, words in VOCABULARIES.items() if name != "sides"}
    copies = []
    for path in sorted(SRC.rglob("*.py")):
        where = path.relative_to(SRC).as_posix()
        if where == "knowledge/vocabulary.py" or where in ALLOWED:
            continue
        for line, words in _string_tuples(path):
            name = wanted.get(frozenset(words))
            if name is not None and len(words) == len(set(words)):
                copies.append(f"{where}:{line} spells out the {name}")
    assert copies == []


def test_the_allowed_copies_are_still_there() -> None:
    """An allowed copy that was removed is taken off the list."""
    wanted = {frozenset(words) for name, words in VOCABULARIES.items() if name != "sides"}
    for where in ALLOWED:
        assert any(frozenset(words) in wanted for _, words in _string_tuples(SRC / where)), where
