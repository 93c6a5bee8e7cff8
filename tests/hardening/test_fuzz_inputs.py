"""Hypothesis fuzzing of every reader of outside input: each fails only in its documented way.

- the text extractor: any text (unicode, control characters, lone surrogates, huge) -> never raises,
  bounded time, a truncation warning past MAX_CHARS;
- the Case model and the engine: any JSON -> pydantic ValidationError or CaseError only;
- the FHIR readers: any JSON, or a mutated real Bundle/QuestionnaireResponse -> InteropError only;
- the knowledge loader: mutated YAML files -> problems (KnowledgeError), never another exception.

Example counts are small (CI on 2 cores) and derandomized (the same cases on every run).
"""

from __future__ import annotations

import contextlib
import copy
import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from nervemap.engine.assess import assess
from nervemap.engine.case import Case
from nervemap.engine.encode import CaseError
from nervemap.interop.errors import InteropError
from nervemap.interop.from_bundle import case_from_bundle
from nervemap.interop.from_response import case_from_response
from nervemap.knowledge.loader import KnowledgeError, Problem, load_knowledge, read_knowledge
from nervemap.knowledge.validator import check_knowledge
from nervemap.nlp import MAX_CHARS, extract, extract_bytes
from tests.api.conftest import example
from tests.interop.helpers import golden

SMALL_KB = Path(__file__).resolve().parents[1] / "fixtures" / "kb_small"
FUZZ = settings(
    max_examples=60,
    deadline=None,  # timing is asserted explicitly where it matters
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# ------------------------------------------------------------------ strategies

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats()  # NaN and infinities too: Python's json module reads them
    | st.text(max_size=30)
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=20,
)


def _paths(node: Any, here: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield here
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*here, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*here, index))


@st.composite
def mutated(draw: st.DrawFn, document: Any) -> Any:
    """A real document with 1-3 random edits: a node replaced, deleted or copied elsewhere."""
    doc = copy.deepcopy(document)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(list(_paths(doc))))
        if not path:
            continue
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        last = path[-1]
        action = draw(st.sampled_from(["replace", "delete", "scalar", "wrap"]))
        if action == "delete":
            del parent[last]
        elif action == "replace":
            parent[last] = draw(JSON)
        elif action == "scalar":
            parent[last] = draw(SCALARS)
        else:
            parent[last] = [parent[last], parent[last]]
    return doc


CLINICAL_WORDS = [
    "45 y/o F", "LBP", "radiating to the left lateral calf", "SLR positive on the left", "no", "denies",
    "saddle anaesthesia", "urinary retention", "bilateral", "right", "EHL 4/5", "ankle jerk absent",
    "reflexes 2+", "numbness", "L5", "S1", "L4-L5 disc herniation", "MRI", "fever", "weight loss",
    "cancer", "calf swelling", "cold pale foot", "pulseless", "history of", "family history",
    "?", "possible", "5/5", "0/5", "-", "\n", ".", ";", "  ", "\t", "\x00", "\x1b[31m", "\u202e",
    "\ufeff", "é", "脊椎", "😀", "\ud800",
]  # fmt: skip
NOTES = st.lists(st.sampled_from(CLINICAL_WORDS) | st.text(max_size=20), max_size=60).map(" ".join)
ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=3000)  # surrogates included


# ------------------------------------------------------------------ text extractor


@pytest.fixture(scope="module", autouse=True)
def _warm_extractor() -> None:
    extract("warm-up: the pipeline loads once per process")


@FUZZ
@given(text=NOTES | ANY_TEXT, setting=st.none() | st.sampled_from(["primary-care", "emergency"]))
def test_extractor_never_raises_on_any_text(text: str, setting: str | None) -> None:
    started = time.perf_counter()
    extraction = extract(text, setting=setting)
    assert time.perf_counter() - started < 10
    assert isinstance(extraction.case, Case)
    json.dumps(extraction.case.model_dump(mode="json"))  # serialisable for storage
    with contextlib.suppress(CaseError):  # the API turns it into a 422 naming the field
        assess(extraction.case)


@FUZZ
@given(data=st.binary(max_size=2000))
def test_extractor_bytes_fail_only_with_value_error(data: bytes) -> None:
    with contextlib.suppress(ValueError):  # not UTF-8: the documented failure
        extract_bytes(data)


def test_huge_text_is_truncated_in_bounded_time() -> None:
    note = (
        "Pt reports LBP radiating to the right calf\x00 with numbness; SLR + on the right. 😀\u202e " * 20_000
    )
    assert len(note) > 10 * MAX_CHARS
    started = time.perf_counter()
    extraction = extract(note)
    assert time.perf_counter() - started < 60
    assert any("truncated" in warning for warning in extraction.warnings)


@pytest.mark.parametrize(
    "text", ["", "   \n\t", "\x00\x01\x02", "Der Patient hat Schmerzen im Bein.", "😀" * 50]
)
def test_empty_or_foreign_text_says_so(text: str) -> None:
    extraction = extract(text)
    assert extraction.warnings  # never a silent, confident-looking empty case
    assert not [item for item in extraction.items if item.status != "not asserted"]


# ------------------------------------------------------------------ Case and engine


def _assess_json(document: Any) -> None:
    try:
        case = Case.model_validate(document)
    except ValidationError:
        return
    with contextlib.suppress(CaseError):
        assess(case)


@FUZZ
@given(document=JSON)
def test_case_from_any_json_fails_only_with_validation_or_case_errors(document: Any) -> None:
    _assess_json(document)


@FUZZ
@given(
    document=st.sampled_from(["l5-left-disc", "cauda-equina", "fibular-neuropathy"]).flatmap(
        lambda name: mutated(example(name))
    )
)
def test_mutated_cases_fail_only_with_validation_or_case_errors(document: Any) -> None:
    _assess_json(document)


@FUZZ
@given(raw=st.binary(max_size=500) | JSON.map(lambda d: json.dumps(d).encode()))
def test_case_from_any_bytes_fails_only_with_validation_error(raw: bytes) -> None:
    with contextlib.suppress(ValidationError):
        Case.model_validate_json(raw)


@pytest.mark.parametrize("field", ["age", "duration_days"])
@pytest.mark.parametrize("value", [True, False, "45", "nan", None])
def test_case_numbers_are_strict(field: str, value: Any) -> None:
    if value is None:
        assert getattr(Case.model_validate({field: value}), field) is None
        return
    with pytest.raises(ValidationError):
        Case.model_validate({field: value})


def test_grades_reject_booleans() -> None:
    for document in (
        {"strength": [{"movement": "ankle_dorsiflexion", "side": "left", "grade": True}]},
        {"reflexes": [{"reflex": "ankle", "side": "left", "grade": False}]},
        {"scores": {"rmdq": True}},
        {"scores": {"pain_nrs": True}},
    ):
        with pytest.raises(ValidationError):
            Case.model_validate(document)


# ------------------------------------------------------------------ FHIR readers


def _read_fhir(reader: Any, document: Any) -> None:
    try:
        imported = reader(document)
    except InteropError as error:
        assert error.issues and error.status in (400, 404, 422)
        return
    with contextlib.suppress(CaseError):
        assess(imported.case)


@FUZZ
@given(document=JSON, kind=st.sampled_from(["Bundle", "QuestionnaireResponse", None]))
def test_fhir_readers_on_any_json_fail_only_with_interop_error(document: Any, kind: str | None) -> None:
    if kind is not None and isinstance(document, dict):
        document = {**document, "resourceType": kind}
    _read_fhir(case_from_bundle, document)
    _read_fhir(case_from_response, document)


@FUZZ
@given(document=mutated(golden("observations-ces.json")))
def test_mutated_bundle_fails_only_with_interop_error(document: Any) -> None:
    _read_fhir(case_from_bundle, document)


@FUZZ
@given(document=mutated(golden("questionnaire-response-l5-left.json")))
def test_mutated_questionnaire_response_fails_only_with_interop_error(document: Any) -> None:
    _read_fhir(case_from_response, document)


# ------------------------------------------------------------------ knowledge loader


@pytest.fixture(scope="module")
def kb_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("kb") / "kb"
    shutil.copytree(SMALL_KB, root)
    return root


KB_FILES = sorted(str(p.relative_to(SMALL_KB)) for p in SMALL_KB.rglob("*.yaml"))


@st.composite
def yaml_edit(draw: st.DrawFn) -> tuple[str, bytes]:
    """One knowledge file, mutated: truncated, a line dropped, replaced or duplicated, bad bytes."""
    name = draw(st.sampled_from(KB_FILES))
    lines = (SMALL_KB / name).read_bytes().splitlines(keepends=True)
    at = draw(st.integers(0, max(0, len(lines) - 1)))
    action = draw(st.sampled_from(["truncate", "drop", "replace", "duplicate", "bytes", "value"]))
    if action == "truncate":
        text = b"".join(lines)
        return name, text[: draw(st.integers(0, len(text)))]
    if action == "drop":
        del lines[at : at + draw(st.integers(1, 3))]
    elif action == "replace":
        lines[at] = draw(st.text(max_size=40)).encode("utf-8", "surrogatepass") + b"\n"
    elif action == "duplicate":
        lines.insert(at, lines[at] if lines else b"")
    elif action == "bytes":
        lines.insert(at, draw(st.binary(min_size=1, max_size=20)))
    elif lines:
        key, sep, _ = lines[at].partition(b":")
        replacement = draw(st.sampled_from([b"-1", b"2.5", b"null", b"[]", b"{}", b"yes", b"'x'", b"1e999"]))
        lines[at] = key + b": " + replacement + b"\n" if sep else replacement + b"\n"
    return name, b"".join(lines)


@settings(FUZZ, max_examples=40)
@given(edit=yaml_edit())
def test_mutated_knowledge_yields_problems_never_a_traceback(kb_copy: Path, edit: tuple[str, bytes]) -> None:
    name, content = edit
    target = kb_copy / name
    target.write_bytes(content)
    try:
        loaded, problems = read_knowledge(kb_copy)
        if loaded is None:
            assert problems and all(isinstance(p, Problem) and str(p) for p in problems)
            with pytest.raises(KnowledgeError):
                load_knowledge(kb_copy)
        else:
            assert all(isinstance(p, Problem) for p in check_knowledge(loaded, check_codes=False))
    finally:
        shutil.copyfile(SMALL_KB / name, target)
