"""Ids named in Python code exist in the knowledge base (issue 12 item 7)."""

from __future__ import annotations

import ast
from pathlib import Path

import nervemap
from nervemap.knowledge import default_knowledge
from nervemap.knowledge.code_ids import CODE_IDS
from nervemap.knowledge.validator import check_code_ids, knowledge_ids

PACKAGE = Path(nervemap.__file__).parent


def test_every_id_the_code_names_exists() -> None:
    assert check_code_ids(default_knowledge().knowledge) == []


def test_every_knowledge_id_in_the_code_is_listed() -> None:
    """A string constant equal to a knowledge-base id is listed in CODE_IDS under its module."""
    known = knowledge_ids(default_knowledge().knowledge)
    missing: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = path.relative_to(PACKAGE).as_posix()
        if module == "knowledge/code_ids.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str) and "_" in node.value):
                continue
            for kind, identifiers in known.items():
                if node.value in identifiers and node.value not in CODE_IDS.get(kind, {}).get(module, ()):
                    missing.append(f"{module}: {kind} '{node.value}'")
    assert sorted(set(missing)) == []


def test_a_renamed_id_fails_the_check() -> None:
    kb = default_knowledge().knowledge
    renamed = kb.model_copy(update={"findings": [f for f in kb.findings if f.id != "extensor_plantar"]})
    problems = check_code_ids(renamed)
    # both encoders name it: the per-case reference and the batch encoder
    assert sorted((p.file, p.key) for p in problems) == [
        ("src/nervemap/engine/encode.py", "extensor_plantar"),
        ("src/nervemap/engine/encode_batch.py", "extensor_plantar"),
    ]
