"""One way into a case (issue 17 item 3), enforced on the source with an AST walk.

Every front end reduces what it was told to (case item, value) pairs of ``engine/items.py`` and the
case is made there (``items.apply`` to a case, ``items.case_of`` for a new one): the interview's
answers, the FHIR QuestionnaireResponse, Observation and CDS Hooks imports and the text reader's
assembly. Reading a whole case document (``Case.model_validate`` of an API body, a stored record, a
batch line) is not making one and is allowed anywhere. What this walk refuses outside
``engine/items.py``, unless ``ALLOWED`` names the place with its reason:

- ``Case(...)`` or ``Case.model_construct(...)`` given a field that an item says;
- a dict literal naming two lists of a case (findings, pain map, grades, sensation): a case
  document written by hand;
- ``x.model_copy(update={...})`` setting a field that an item says;
- making a part of a case (a reported finding, a pain mark, a strength, reflex or sensation test,
  the scores) directly.
"""

from __future__ import annotations

import ast
from pathlib import Path

from nervemap.engine.case import Case

SRC = Path(__file__).parents[2] / "src" / "nervemap"
# The fields a case holds that are not said by any item: its id, whether the pain map is the whole
# map (a note lists only what it mentions) and the measurements (which set findings when validated).
NOT_ITEMS = frozenset({"id", "pain_map_complete", "measurements"})
ITEM_FIELDS = frozenset(Case.model_fields) - NOT_ITEMS
LISTS = frozenset({"findings", "pain_map", "strength", "reflexes", "sensation"})
PARTS = frozenset({"ReportedFinding", "PainMark", "StrengthTest", "ReflexTest", "SensationTest", "Scores"})

# (module below src/nervemap, rule) -> why that place may do it
ALLOWED: dict[tuple[str, str], str] = {
    ("engine/case.py", "part"): "the measurements set their findings while the case is validated",
    ("nlp/read_body.py", "part"): "the reader's draft entries; nlp/assemble.py says them as items",
    ("nlp/read_grades.py", "part"): "the reader's draft entries; nlp/assemble.py says them as items",
    ("nlp/assemble.py", "part"): "pain marks compared with the aspects named, not put in a case",
    ("interview/incremental.py", "part"): "a probe: one finding added to check the sparse update",
    ("interview/incremental.py", "model_copy"): "a probe: one finding added to check the sparse update",
}


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else ""


def _keys(node: ast.Dict) -> set[str]:
    return {key.value for key in node.keys if isinstance(key, ast.Constant) and isinstance(key.value, str)}


def _made_by_hand(tree: ast.AST) -> list[tuple[str, int]]:
    """(rule, line) of every place in ``tree`` that makes a case or a part of one by hand."""
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict) and len(_keys(node) & LISTS) >= 2:
            found.append(("document", node.lineno))
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        called = _name(func)
        owner = _name(func.value) if isinstance(func, ast.Attribute) else ""
        keywords = {keyword.arg for keyword in node.keywords}
        if (called == "Case" or (owner == "Case" and called == "model_construct")) and keywords & ITEM_FIELDS:
            found.append(("Case(...)", node.lineno))
        if called in PARTS or (owner in PARTS and called == "model_construct"):
            found.append(("part", node.lineno))
        if called == "model_copy":
            for keyword in node.keywords:
                update = keyword.value
                if keyword.arg == "update" and isinstance(update, ast.Dict) and _keys(update) & ITEM_FIELDS:
                    found.append(("model_copy", node.lineno))
    return found


def test_cases_are_made_only_through_the_item_catalogue() -> None:
    offending = []
    for path in sorted(SRC.rglob("*.py")):
        module = path.relative_to(SRC).as_posix()
        if module == "engine/items.py":
            continue
        for rule, line in _made_by_hand(ast.parse(path.read_text(encoding="utf-8"))):
            if (module, rule) not in ALLOWED:
                offending.append(f"{module}:{line}: {rule}")
    assert offending == [], (
        "make the case with engine.items (apply / case_of) from (Item, value) pairs, or name the "
        "place in ALLOWED with its reason"
    )


def test_the_walk_finds_a_case_made_by_hand() -> None:
    """The walk sees each way of making a case by hand (so the test above can fail)."""
    written = """
case = Case(age=40, findings=[])
document = {"id": "x", "findings": [], "strength": []}
other = case.model_copy(update={"pain_map": []})
finding = ReportedFinding(id="fever")
mark = PainMark.model_construct(region="buttock")
read = Case.model_validate(document)
named = case.model_copy(update={"id": "x"})
"""
    assert [rule for _, rule in sorted((line, rule) for rule, line in _made_by_hand(ast.parse(written)))] == [
        "Case(...)",
        "document",
        "model_copy",
        "part",
        "part",
    ]


def test_the_fields_no_item_says_are_the_case_models() -> None:
    assert frozenset(Case.model_fields) > NOT_ITEMS
    assert ITEM_FIELDS > LISTS
