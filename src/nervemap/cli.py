"""The nervemap command line (Typer + Rich)."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from nervemap.knowledge.loader import KnowledgeError, read_knowledge

app = typer.Typer(
    help="nervemap: explainable decision support for leg pain that may come from the lumbar spine.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
kb_app = typer.Typer(help="Inspect and check the knowledge base.", no_args_is_help=True)
app.add_typer(kb_app, name="kb")
console = Console()
errors = Console(stderr=True, soft_wrap=True)


class Format(StrEnum):
    JSON = "json"
    TEXT = "text"
    FHIR = "fhir"


def fail(message: str, code: int = 2) -> NoReturn:
    errors.print(f"[bold red]error:[/] {escape(message)}", highlight=False)
    raise typer.Exit(code)


DataOption = Annotated[
    Path | None, typer.Option("--data", help="Knowledge folder (default: the packaged one)")
]


def _knowledge(data: Path | None) -> Any:
    if data is not None and not data.is_dir():
        fail(f"--data: '{data}' is not a folder")
    loaded, problems = read_knowledge(data)
    if loaded is None:
        for problem in problems:
            errors.print(f"[red]✗[/] {escape(str(problem))}", highlight=False)
        fail(f"the knowledge base has {len(problems)} problem(s)", 1)
    return loaded


def _print_json(payload: Any) -> None:
    sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")


@kb_app.command("check")
def kb_check(data: DataOption = None) -> None:
    """Validate every file and cross-reference; list every problem; exit 1 on any."""
    from nervemap.knowledge.validator import check_code_ids, check_knowledge

    loaded = _knowledge(data)
    problems = check_knowledge(loaded)
    if data is None:  # the packaged knowledge base: every id the code names must exist
        problems += check_code_ids(loaded.knowledge)
    for problem in problems:
        errors.print(f"[red]✗[/] {escape(str(problem))}", highlight=False)
    if problems:
        fail(f"{len(problems)} problem(s) in the knowledge base", 1)
    from nervemap.knowledge.introspect import stats

    summary = stats(loaded.knowledge)
    console.print(
        f"[green]✓[/] knowledge base {summary['version']} is consistent: {summary['findings']} findings, "
        f"{summary['conditions']} conditions, {summary['numbers']} numbers "
        f"({summary['cited_share']:.0%} with a published source)"
    )


@kb_app.command("stats")
def kb_stats(data: DataOption = None, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Counts: findings, conditions, roots, numbers and the share with a published source."""
    from nervemap.knowledge.introspect import stats

    summary = stats(_knowledge(data).knowledge)
    if as_json:
        _print_json(summary)
        return
    table = Table(title="nervemap knowledge base", show_header=False)
    for key, value in summary.items():
        table.add_row(key, ", ".join(value) if isinstance(value, list) else str(value))
    console.print(table)


@kb_app.command("codes")
def kb_codes(data: DataOption = None, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Every ICD-10-CM, SNOMED CT and LOINC code the knowledge base uses."""
    from nervemap.knowledge.introspect import codes

    rows = codes(_knowledge(data).knowledge)
    if as_json:
        _print_json(rows)
        return
    table = Table("system", "code", "used by")
    for row in rows:
        table.add_row(row["system"], row["code"], row["used_by"])
    console.print(table)


@kb_app.command("params")
def kb_params(
    data: DataOption = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    applied: Annotated[
        bool, typer.Option("--applied", help="Cited likelihoods and priors next to the applied values")
    ] = False,
) -> None:
    """Every number in the knowledge base with its source."""
    from nervemap.knowledge.introspect import applied_params, params

    if applied:
        from nervemap.engine.compiled import compile_knowledge

        applied_rows = applied_params(compile_knowledge(_knowledge(data)))
        if as_json:
            _print_json(applied_rows)
            return
        grid = Table("path", "number", "cited", "applied", "difference", "source")
        for row in applied_rows:
            flag = " (explicit floor)" if row["floor"] else ""
            grid.add_row(
                row["path"],
                row["number"],
                f"{row['cited']:.4g}",
                f"{row['applied']:.4g}",
                f"{row['difference']:.1%}{flag}",
                row["source"],
            )
        console.print(grid)
        return
    rows = params(_knowledge(data).knowledge)
    if as_json:
        _print_json(rows)
        return
    table = Table("path", "value", "source", "detail / reason")
    for row in rows:
        table.add_row(row["path"], f"{row['value']:g}", row["source"], row["detail"])
    console.print(table)


@kb_app.command("show")
def kb_show(identifier: str, data: DataOption = None) -> None:
    """One entry by id (condition, finding, source, region, root, nerve, plan step...)."""
    from nervemap.knowledge.introspect import show

    entry = show(_knowledge(data).knowledge, identifier)
    if entry is None:
        fail(f"no knowledge entry with id '{identifier}'")
    _print_json(entry)


def _is_file(path: str) -> bool:
    """False also for a name the system cannot look up (too long, say: text given instead of a path)."""
    try:
        return Path(path).is_file()
    except OSError:
        return False


def _shown(path: str) -> str:
    return path if len(path) <= 80 else f"{path[:77]}..."


def _read_input(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    file = Path(path)
    if not _is_file(path):
        fail(f"CASE: file '{_shown(path)}' not found (give a file path, or - to read stdin)")
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        fail(f"CASE: '{path}' is not UTF-8 text")


def _read_note(path: str) -> str:
    """A clinical note from a file or stdin, as text; binary or non-UTF-8 input is refused."""
    data = sys.stdin.buffer.read() if path == "-" else None
    if data is None:
        file = Path(path)
        if not _is_file(path):
            fail(f"NOTE: file '{_shown(path)}' not found (give a file path, or - to read stdin)")
        data = file.read_bytes()
    try:
        return extract_bytes_text(data)
    except ValueError as error:
        fail(f"NOTE: {error}")


def extract_bytes_text(data: bytes) -> str:
    if b"\x00" in data:
        raise ValueError("the input is binary, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"the input is not UTF-8 text (byte {error.start})") from None


@app.command("extract")
def extract_command(
    note: Annotated[str, typer.Argument(metavar="NOTE", help="Clinical note (text file), or - for stdin")],
    output: Annotated[Format, typer.Option("--format", "-f")] = Format.TEXT,
) -> None:
    """Read a clinical note: each finding with the words it came from and its context flags."""
    from nervemap.nlp import extract

    extraction = extract(_read_note(note))
    if output == Format.JSON:
        _print_json(extraction.model_dump(mode="json"))
        return
    table = Table("kind", "became", "status", "flags", "text")
    for item in extraction.items:
        table.add_row(item.kind, item.value, item.status, ", ".join(item.flags), escape(item.text))
    console.print(table)
    for warning in extraction.warnings:
        console.print(f"[yellow]warning:[/] {escape(warning)}")


@app.command("assess")
def assess_command(
    case_file: Annotated[
        str | None, typer.Argument(metavar="CASE", help="Case JSON file, or - for stdin")
    ] = None,
    output: Annotated[Format, typer.Option("--format", "-f")] = Format.TEXT,
    text: Annotated[
        str | None, typer.Option("--text", help="Assess a clinical note (file, or - for stdin)")
    ] = None,
    fhir: Annotated[
        Path | None,
        typer.Option("--fhir", help="Assess a FHIR R4B QuestionnaireResponse or Bundle of Observations"),
    ] = None,
) -> None:
    """Assess a case (JSON object, or a list of them) or a clinical note, and print the result."""
    from nervemap.engine.assess import assess_many
    from nervemap.engine.encode import CaseError

    if text is not None:
        _assess_note(text, output)
        return
    if fhir is not None:
        _assess_fhir(fhir, output)
        return
    if case_file is None:
        fail("give a CASE file (or -), or --text NOTE")
    raw = _read_input(case_file)
    try:
        document = json.loads(raw)
    except json.JSONDecodeError as error:
        fail(f"CASE: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})")
    many = isinstance(document, list)
    items = document if many else [document]
    if not all(isinstance(item, dict) for item in items):
        fail("CASE: expected a JSON object (or a list of objects)")
    try:
        assessments = assess_many(items)
    except ValidationError as error:
        for detail in error.errors():
            location = ".".join(str(part) for part in detail["loc"])
            errors.print(f"[red]✗[/] {escape(location)}: {escape(detail['msg'])}", highlight=False)
        fail(f"CASE: {error.error_count()} invalid field(s)")
    except CaseError as error:
        for issue in error.issues:
            errors.print(f"[red]✗[/] {escape(str(issue))}", highlight=False)
        fail(f"CASE: {len(error.issues)} problem(s)")
    except KnowledgeError as error:
        fail(f"knowledge base: {error}", 1)
    _emit(assessments if many else assessments[0], output)


def _emit(result: Any, output: Format, extra: dict[str, Any] | None = None) -> None:
    """Print one assessment or a list in the chosen format (json, fhir, readable text)."""
    from nervemap.render import render_text

    many = isinstance(result, list)
    assessments = result if many else [result]
    if output == Format.FHIR:
        from nervemap.interop.cli import assessment_to_fhir_json

        for assessment in assessments:
            sys.stdout.write(assessment_to_fhir_json(assessment))
        return
    if output == Format.JSON:
        payloads = [{**a.model_dump(mode="json", by_alias=True), **(extra or {})} for a in assessments]
        _print_json(payloads if many else payloads[0])
        return
    for assessment in assessments:
        render_text(assessment, console)


def _assess_fhir(path: Path, output: Format) -> None:
    from nervemap.engine.assess import assess
    from nervemap.interop.cli import read_fhir_file
    from nervemap.interop.errors import InteropError

    try:
        imported = read_fhir_file(path)
    except InteropError as error:
        fail(f"FHIR: {error}")
    for warning in imported.warnings:
        errors.print(f"[yellow]warning:[/] {escape(str(warning))}")
    _emit(assess(imported.case), output)


def _assess_note(path: str, output: Format) -> None:
    from nervemap.engine.assess import assess
    from nervemap.nlp import extract

    extraction = extract(_read_note(path))
    assessment = assess(extraction.case)
    warnings = list(extraction.warnings)
    if not assessment.enough_information and not warnings:
        warnings.append("no clinical finding was found in the text")
    for warning in warnings:
        errors.print(f"[yellow]warning:[/] {escape(warning)}")
    extra = {
        "extracted": [item.model_dump(mode="json") for item in extraction.items],
        "extraction_warnings": warnings,
    }
    _emit(assessment, output, extra)


@app.command("evaluate")
def evaluate_command(
    cases_file: Annotated[Path, typer.Argument(metavar="CASES.jsonl", help="One case a line")],
    output: Annotated[Format, typer.Option("--format", "-f")] = Format.TEXT,
    report: Annotated[
        Path | None, typer.Option("--report", help="Write an HTML report with plots to this folder")
    ] = None,
    misses: Annotated[bool, typer.Option("--misses", help="List every miss")] = False,
) -> None:
    """Measure accuracy, triage safety and calibration on cases with expectations."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from nervemap.evaluation.runner import _load_lines, evaluate_rows, format_table

    if not cases_file.is_file():
        fail(f"CASES: file '{cases_file}' not found")
    try:
        rows = _load_lines(cases_file)
    except (ValueError, UnicodeDecodeError) as error:
        fail(f"CASES: {error}")
    columns = (*Progress.get_default_columns()[:1], BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=errors, transient=True) as bar:
        task = bar.add_task("assessing", total=len(rows))
        result = evaluate_rows(rows, path=str(cases_file), progress=lambda: bar.advance(task))
    if output == Format.JSON:
        sys.stdout.write(result.to_json() + "\n")
    else:
        console.print(format_table(result), highlight=False, markup=False)
        if misses:
            for outcome in result.misses:
                row = outcome.to_dict()
                predicted = row["predicted"] or {}
                top = ", ".join(f"{t['id']} {t['probability']:.2f}" for t in predicted.get("top", []))
                console.print(
                    f"- {outcome.id}: expected {row['expected']['condition']} "
                    f"{row['expected']['root'] or row['expected']['nerve'] or row['expected']['site'] or ''} "
                    f"{row['expected']['side'] or ''} "
                    f"{'/'.join(row['expected']['triage_ok'])} | got {top} | "
                    f"site {predicted.get('root') or predicted.get('nerve') or predicted.get('site')} "
                    f"{predicted.get('side')} | {predicted.get('triage')}"
                    + (f" | error {row['error']}" if row["error"] else ""),
                    highlight=False,
                    markup=False,
                )
    if report is not None:
        from nervemap.evaluation.report import write_report

        index = write_report(result, report)
        errors.print(f"report written to {index}")


@app.command("demo")
def demo_command(
    output: Annotated[Format, typer.Option("--format", "-f")] = Format.TEXT,
) -> None:
    """Assess the bundled example cases (left L5 disc, cauda equina, fibular neuropathy)."""
    from importlib import resources

    from nervemap.engine.assess import assess_many
    from nervemap.render import render_text

    folder = resources.files("nervemap") / "examples"
    examples = sorted((e for e in folder.iterdir() if e.name.endswith(".json")), key=lambda e: e.name)
    cases = [json.loads(e.read_text(encoding="utf-8")) for e in examples]
    assessments = assess_many(cases)
    if output == Format.JSON:
        _print_json([a.model_dump(mode="json", by_alias=True) for a in assessments])
        return
    for assessment in assessments:
        render_text(assessment, console)


def _mount_subcommands() -> None:
    """serve, demo-data, user, apikey, db (service), fhir, interview and batch."""
    if sys.argv[1:2] == ["serve"]:  # before numpy is imported by the commands (issue 16)
        from nervemap.blas import default_one_thread

        default_one_thread()
    from nervemap.api.cli import app as service_app
    from nervemap.batch.cli import app as batch_app
    from nervemap.interop.cli import app as fhir_app
    from nervemap.interview.cli import app as interview_app
    from nervemap.web.cli import app as web_app

    app.add_typer(service_app)
    app.add_typer(batch_app)
    app.add_typer(web_app)
    app.add_typer(fhir_app, name="fhir")
    app.add_typer(interview_app, name="interview")


_mount_subcommands()


def main() -> None:
    from nervemap.services.database import DatabasePathError

    try:
        app()
    except DatabasePathError as error:  # a setting to fix, not a bug: no traceback
        errors.print(f"[bold red]error:[/] {escape(str(error))}", highlight=False)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
