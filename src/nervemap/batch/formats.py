"""File formats: which reader and writer a path's extension selects, and the flat row schema."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

import pyarrow as pa

from nervemap import __version__
from nervemap.engine.assess import unsided_twin
from nervemap.engine.assessment import Assessment
from nervemap.engine.compiled import CompiledKnowledge, held
from nervemap.engine.core import MIN_LISTED, CoreCase
from nervemap.knowledge.models import SiteKind


class BatchError(ValueError):
    """The batch cannot run as asked (unknown format, work folder of another run, ...)."""


class InputFormat(StrEnum):
    JSONL = "jsonl"
    PARQUET = "parquet"


class OutputFormat(StrEnum):
    JSONL = "jsonl"
    PARQUET = "parquet"
    CSV = "csv"

    @property
    def tabular(self) -> bool:
        return self is not OutputFormat.JSONL

    @property
    def part_suffix(self) -> str:
        """Parts hold assessments as JSON Lines, or flat rows as Parquet for both tables."""
        return ".jsonl" if self is OutputFormat.JSONL else ".parquet"


_INPUTS = {".jsonl": InputFormat.JSONL, ".ndjson": InputFormat.JSONL, ".parquet": InputFormat.PARQUET}
_OUTPUTS = {
    ".jsonl": OutputFormat.JSONL,
    ".ndjson": OutputFormat.JSONL,
    ".parquet": OutputFormat.PARQUET,
    ".csv": OutputFormat.CSV,
}


def input_format(path: Path) -> InputFormat:
    try:
        return _INPUTS[path.suffix.lower()]
    except KeyError:
        raise BatchError(f"input '{path}': expected a .jsonl, .ndjson or .parquet file") from None


def output_format(path: Path) -> OutputFormat:
    try:
        return _OUTPUTS[path.suffix.lower()]
    except KeyError:
        raise BatchError(f"output '{path}': expected a .jsonl, .ndjson, .parquet or .csv file") from None


JOIN = "|"
"""Separator for lists in one flat cell (ICD-10 codes, red flags)."""

FLAT_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("source_verdict", pa.string()),
        ("p_spinal", pa.float64()),
        ("condition_id", pa.string()),
        ("condition_name", pa.string()),
        ("condition_probability", pa.float64()),
        ("condition_icd10", pa.string()),
        ("condition_2_id", pa.string()),
        ("condition_2_probability", pa.float64()),
        ("condition_3_id", pa.string()),
        ("condition_3_probability", pa.float64()),
        ("site", pa.string()),
        ("site_name", pa.string()),
        ("root", pa.string()),
        ("nerve", pa.string()),
        ("side", pa.string()),
        ("site_probability", pa.float64()),
        ("triage_level", pa.string()),
        ("red_flags", pa.string()),
        ("severity_grade", pa.string()),
        ("enough_information", pa.bool_()),
        ("knowledge_version", pa.string()),
        ("nervemap_version", pa.string()),
        ("error", pa.string()),
    ]
)
FLAT_COLUMNS: tuple[str, ...] = tuple(FLAT_SCHEMA.names)
Row = dict[str, Any]


def flat_row(record_id: str | None, assessment: Assessment) -> Row:
    """The headline of one assessment as one flat row (the full record is in JSON Lines output)."""
    differential = assessment.differential
    top = differential[0] if differential else None
    site = assessment.localization[0] if assessment.localization else None
    row: Row = dict.fromkeys(FLAT_COLUMNS)
    row.update(
        id=record_id,
        source_verdict=assessment.source.verdict,
        p_spinal=assessment.source.p_spinal,
        triage_level=str(assessment.triage.level),
        red_flags=JOIN.join(flag.id for flag in assessment.triage.red_flags),
        severity_grade=str(assessment.severity.grade),
        enough_information=assessment.enough_information,
        knowledge_version=assessment.knowledge_version,
        nervemap_version=assessment.nervemap_version,
    )
    if top is not None:
        row.update(
            condition_id=top.id,
            condition_name=top.name,
            condition_probability=top.probability,
            condition_icd10=JOIN.join(top.icd10),
        )
    for rank, entry in enumerate(differential[1:3], start=2):
        row[f"condition_{rank}_id"] = entry.id
        row[f"condition_{rank}_probability"] = entry.probability
    if site is not None:
        row.update(
            site=str(site.site),
            site_name=site.name,
            root=site.root,
            nerve=site.nerve,
            side=site.side,
            site_probability=site.probability,
        )
    return row


def headline_row(record_id: str | None, core: CoreCase) -> Row:
    """:func:`flat_row` straight from the engine's headline (engine/core.py), without building the
    Assessment record: the same values (tests/batch/test_headline_rows.py)."""
    compiled = core.compiled
    row: Row = dict.fromkeys(FLAT_COLUMNS)
    row.update(
        id=record_id,
        source_verdict=core.verdict,
        p_spinal=round(core.p_spinal, 6),
        triage_level=str(core.level),
        red_flags=JOIN.join(core.red_flag_ids),
        severity_grade=str(core.severity_grade),
        enough_information=core.enough,
        knowledge_version=compiled.knowledge.version,
        nervemap_version=__version__,
    )
    listed, p = core.listed_conditions, core.conditions
    if listed:
        top = compiled.conditions[listed[0]]
        row.update(
            condition_id=top.id,
            condition_name=top.name,
            condition_probability=round(float(p[listed[0]]), 6),
            condition_icd10=JOIN.join(top.icd10),
        )
    for rank, c in enumerate(listed[1:3], start=2):
        row[f"condition_{rank}_id"] = compiled.condition_ids[c]
        row[f"condition_{rank}_probability"] = round(float(p[c]), 6)
    if core.listed_sites:
        h = core.listed_sites[0]
        site = compiled.hypotheses[h]
        side, probability = site.side, float(core.sites[h])
        twin = unsided_twin(compiled, core, h)
        if twin >= 0:  # no side stated: one entry for both sides, as the assessment shows it
            side, probability = None, probability + float(core.sites[twin])
        row.update(
            site=str(site.kind),
            site_name=site.name,
            root=site.root,
            nerve=site.nerve,
            side=core.symptom_side if site.kind == SiteKind.NONE else side,
            site_probability=round(probability, 6),
        )
    return row


def error_row(record_id: str | None, message: str) -> Row:
    row: Row = dict.fromkeys(FLAT_COLUMNS)
    row.update(id=record_id, error=message)
    return row


def flat_table(outcomes: Sequence[tuple[str | None, CoreCase | str]]) -> pa.Table:
    """The flat rows of a partition as a table built from columns: :func:`headline_row` for each
    headline and :func:`error_row` for each error message, the same values (tests/batch/
    test_headline_rows.py), without a dict per row."""
    rows = [
        _error_values(record_id, outcome)
        if isinstance(outcome, str)
        else _headline_values(record_id, outcome)
        for record_id, outcome in outcomes
    ]
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in FLAT_COLUMNS]
    return pa.Table.from_arrays(
        [pa.array(column, type=field.type) for column, field in zip(columns, FLAT_SCHEMA, strict=True)],
        schema=FLAT_SCHEMA,
    )


# the flat row's leading conditions and site are the first ranked ones: the listed entries always
# keep the first MIN_LISTED (engine/core._listed), so they need not be listed
assert MIN_LISTED >= 3


class _FlatNames:
    """What a flat row shows of each condition and site, read once per knowledge base."""

    def __init__(self, compiled: CompiledKnowledge) -> None:
        self.condition_ids = compiled.condition_ids
        self.condition_names = [c.name for c in compiled.conditions]
        self.icd10 = [JOIN.join(c.icd10) for c in compiled.conditions]
        self.sites = [
            (str(h.kind), h.name, h.root, h.nerve, h.side, h.kind == SiteKind.NONE)
            for h in compiled.hypotheses
        ]
        self.version = compiled.knowledge.version


def _flat_names(compiled: CompiledKnowledge) -> _FlatNames:
    return held(compiled, "batch_flat_names", _FlatNames)


def _headline_values(record_id: str | None, core: CoreCase) -> tuple[Any, ...]:
    names = _flat_names(core.compiled)
    top = core.order[:3].tolist()
    p = core.conditions[top].tolist()
    _, second, third = [*top, None, None][:3]
    h = int(core.site_order[0])
    kind, site_name, root, nerve, side, no_lesion = names.sites[h]
    site_probability = float(core.sites[h])
    twin = unsided_twin(core.compiled, core, h)
    if twin >= 0:  # no side stated: one entry for both sides, as the assessment shows it
        side, site_probability = None, site_probability + float(core.sites[twin])
    return (
        record_id,
        core.verdict,
        round(core.p_spinal, 6),
        names.condition_ids[top[0]],
        names.condition_names[top[0]],
        round(p[0], 6),
        names.icd10[top[0]],
        None if second is None else names.condition_ids[second],
        None if second is None else round(p[1], 6),
        None if third is None else names.condition_ids[third],
        None if third is None else round(p[2], 6),
        kind,
        site_name,
        root,
        nerve,
        core.symptom_side if no_lesion else side,
        round(site_probability, 6),
        str(core.level),
        JOIN.join(core.red_flag_ids),
        str(core.severity_grade),
        core.enough,
        names.version,
        __version__,
        None,
    )


def _error_values(record_id: str | None, message: str) -> tuple[Any, ...]:
    return (record_id, *([None] * (len(FLAT_COLUMNS) - 2)), message)
