"""One input record -> a case to assess, or the reason it cannot be: never an exception.

A structured record is a :class:`~nervemap.engine.case.Case` object (with its ``id``); a note
record is ``{"id": ..., "text": ..., "setting": optional}``, read with :func:`nervemap.nlp.extract`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from nervemap.engine.case import Case
from nervemap.knowledge.models import Setting

if TYPE_CHECKING:
    from nervemap.nlp import Extraction

NoteReader = Callable[[str, str], "Extraction"]
"""(text, setting) -> the note read; default :func:`nervemap.nlp.extract` of each note."""

NOTE_KEYS = frozenset({"id", "text", "setting"})
MAX_ID = 200  # as Case.id


@dataclass(frozen=True)
class Parsed:
    """A record read: its case, or an error; notes also carry the extractor's warnings."""

    index: int
    record_id: str | None
    case: Case | None = None
    error: str | None = None
    warnings: tuple[str, ...] | None = None  # None: a structured record, not a note


def parse_line(index: int, line: str) -> Parsed | dict[str, Any]:
    """A JSON Lines record as a dict, or a Parsed error saying what is wrong with the line."""
    try:
        value = json.loads(line)
    except json.JSONDecodeError as error:
        return Parsed(index, None, error=f"not valid JSON (column {error.colno}: {error.msg})")
    if not isinstance(value, dict):
        return Parsed(index, None, error=f"expected a JSON object, got {type(value).__name__}")
    return value


def parse_case_line(index: int, line: str) -> Parsed | None:
    """A JSON Lines record read straight into a Case (pydantic's JSON parser, no dict between),
    when it is a readable structured case with a string id; None otherwise (a note, an integer or
    missing id, an error: :func:`parse_line` and :func:`read_record` read it, with their messages).
    A record read here is the Case those two would make (tests/batch/test_case_lines.py)."""
    try:
        case = Case.model_validate_json(line)
    except ValidationError:
        return None
    if not case.id:
        return None
    return Parsed(index, case.id, case=case)


def without_nulls(value: Any) -> Any:
    """Drop null members of objects: a Parquet row has a null for every field another row has."""
    if isinstance(value, dict):
        return {key: without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [without_nulls(item) for item in value]
    return value


def table_record(row: dict[str, Any]) -> dict[str, Any]:
    """A Parquet row as a record: nulls dropped, except that a row with nothing but an id (and a
    setting) in a table with a text column is a note whose text is missing, not an empty case."""
    record: dict[str, Any] = without_nulls(row)
    if "text" in row and "text" not in record and set(record) <= NOTE_KEYS:
        record["text"] = None
    return record


def read_record(index: int, record: dict[str, Any], read_note: NoteReader | None = None) -> Parsed:
    """Validate a structured record or read a note record (with ``read_note`` when given)."""
    record_id, problem = _record_id(record)
    if problem is not None:
        return Parsed(index, record_id, error=problem)
    if "text" in record:
        return _read_note(index, record_id, record, read_note)
    try:
        case = Case.model_validate({**record, "id": record_id})
    except ValidationError as error:
        return Parsed(index, record_id, error=f"invalid case: {describe(error)}")
    return Parsed(index, record_id, case=case)


def describe(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in detail['loc']) or 'record'}: {detail['msg']}"
        for detail in error.errors(include_url=False)
    )


def _record_id(record: dict[str, Any]) -> tuple[str | None, str | None]:
    value = record.get("id")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and len(value) > MAX_ID:
        return None, f"id longer than {MAX_ID} characters"
    if isinstance(value, str) and value:
        return value, None
    if value is None or value == "":
        return None, "record has no id"
    return None, f"id must be a string or an integer, got {type(value).__name__}"


def _read_note(
    index: int, record_id: str | None, record: dict[str, Any], read_note: NoteReader | None
) -> Parsed:
    from nervemap.nlp import extract

    unknown = sorted(set(record) - NOTE_KEYS)
    if unknown:
        return Parsed(index, record_id, error=f"unreadable note: unknown field(s) {', '.join(unknown)}")
    text, setting = record["text"], record.get("setting", Setting.PRIMARY_CARE.value)
    if text is None:
        return Parsed(index, record_id, error="unreadable note: no text")
    if not isinstance(text, str):
        return Parsed(
            index, record_id, error=f"unreadable note: text must be a string, got {type(text).__name__}"
        )
    if setting not in {s.value for s in Setting}:
        return Parsed(index, record_id, error=f"unreadable note: unknown setting {setting!r}")
    try:
        extraction = read_note(text, setting) if read_note else extract(text, setting=setting)
    except ValueError as error:
        return Parsed(index, record_id, error=f"unreadable note: {error}")
    case = extraction.case.model_copy(update={"id": record_id})
    return Parsed(index, record_id, case=case, warnings=tuple(extraction.warnings))
