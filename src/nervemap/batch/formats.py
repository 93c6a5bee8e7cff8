"""File formats: which reader and writer a path's extension selects, and the flat row schema."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any

import pyarrow as pa

from nervemap import __version__
from nervemap.engine.assessment import Assessment
from nervemap.engine.core import CoreCase
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
        row.update(
            site=str(site.kind),
            site_name=site.name,
            root=site.root,
            nerve=site.nerve,
            side=core.symptom_side if site.kind == SiteKind.NONE else site.side,
            site_probability=round(float(core.sites[h]), 6),
        )
    return row


def error_row(record_id: str | None, message: str) -> Row:
    row: Row = dict.fromkeys(FLAT_COLUMNS)
    row.update(id=record_id, error=message)
    return row
