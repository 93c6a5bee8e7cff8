"""Command-line helpers: export a Questionnaire; read a FHIR file into a Case; write FHIR JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from nervemap.engine.assessment import Assessment
from nervemap.engine.case import Case
from nervemap.interop.errors import InteropError, Issue
from nervemap.interop.from_bundle import case_from_bundle
from nervemap.interop.from_response import Imported, case_from_response
from nervemap.interop.items import QuestionSet
from nervemap.interop.questionnaire import build_questionnaire
from nervemap.interop.to_bundle import assessment_to_bundle

app = typer.Typer(
    help="FHIR R4B and CDS Hooks helpers.", no_args_is_help=True, pretty_exceptions_enable=False
)


def read_fhir_file(path: str | Path) -> Imported:
    """A QuestionnaireResponse or a Bundle file, read into a case with the reader's warnings."""
    location = Path(path)
    try:
        data = json.loads(location.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise InteropError([Issue(str(location), f"cannot read: {error}")], 400) from error
    except json.JSONDecodeError as error:
        raise InteropError([Issue(str(location), f"invalid JSON: {error}")], 400) from error
    kind = data.get("resourceType") if isinstance(data, dict) else None
    if kind == "QuestionnaireResponse":
        return case_from_response(data)
    if kind == "Bundle":
        return case_from_bundle(data)
    raise InteropError(
        [Issue(str(location), f"expected a QuestionnaireResponse or a Bundle, got {kind!r}")], 400
    )


def case_from_fhir_file(path: str | Path) -> Case:
    """The Case in a QuestionnaireResponse or Bundle file (raises InteropError naming the problem)."""
    return read_fhir_file(path).case


def assessment_to_fhir_json(assessment: Assessment, notes: list[str] | None = None) -> str:
    """The assessment as a FHIR R4B collection Bundle, pretty-printed JSON."""
    bundle = assessment_to_bundle(assessment, notes=notes)
    return json.dumps(bundle.model_dump(mode="json", exclude_none=True), indent=2, ensure_ascii=False) + "\n"


@app.command("export-questionnaire")
def export_questionnaire(
    question_set: Annotated[QuestionSet, typer.Option("--set", help="Which items")] = QuestionSet.ALL,
    out: Annotated[Path | None, typer.Option("--out", help="Write here instead of stdout")] = None,
) -> None:
    """Export the finding catalogue as a FHIR R4B Questionnaire."""
    questionnaire = build_questionnaire(question_set)
    text = (
        json.dumps(questionnaire.model_dump(mode="json", exclude_none=True), indent=2, ensure_ascii=False)
        + "\n"
    )
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {questionnaire.id} ({question_set.value}) to {out}", err=True)


@app.callback()
def interop() -> None:
    """FHIR R4B and CDS Hooks helpers."""
