"""`nervemap interview`: an adaptive interview in the terminal.

Commands at any prompt: ``back`` (undo the last answer), ``?`` (why we ask), ``?? `` or
``unknown`` (I don't know), ``quit`` (stop; the session is saved when --save is given).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from nervemap.interview.answers import UNKNOWN, AnswerError, Value, describe
from nervemap.interview.catalogue import Kind, Question
from nervemap.interview.session import InterviewSession, SessionError
from nervemap.knowledge.models import Setting
from nervemap.render import render_text

app = typer.Typer(help="Adaptive interview: asks the next most useful question, red flags first.")

HELP = {
    Kind.YES_NO_UNKNOWN: "y / n / ? (don't know)",
    Kind.SIDE_TEST: "left / right / both / neither / ? (don't know)",
    Kind.NUMBER: "a number, or ? (don't know)",
    Kind.BODY_MAP: "region:side[:kind], comma-separated (e.g. calf:left, foot_dorsum:left:tingling); "
    "'none' for nowhere",
    Kind.EXAM_STRENGTH: "movement:side:grade, comma-separated (e.g. ankle_dorsiflexion:left:4)",
    Kind.EXAM_REFLEX: "reflex:side:grade, comma-separated (e.g. achilles:left:1)",
    Kind.IMAGING: 'JSON list, e.g. [{"kind": "disc-herniation", "level": "L4-L5", "side": "left"}]; '
    "'none' for nothing compressive",
}
COMMANDS = "[dim]back · ? why · dk / unknown · quit[/]"


class _Quit(Exception):
    pass


def _parse(question: Question, text: str) -> Value:
    """Turn what was typed into a raw answer (checked afterwards by the session)."""
    text = text.strip()
    lowered = text.lower()
    if lowered in ("dk", "unknown", "don't know", "dont know"):
        return UNKNOWN
    kind = question.kind
    if kind == Kind.YES_NO_UNKNOWN:
        return {"y": "yes", "n": "no"}.get(lowered, lowered)
    if kind == Kind.SIDE_TEST:
        return {"l": "left", "r": "right", "b": "both", "n": "neither"}.get(lowered, lowered)
    if kind == Kind.NUMBER:  # typed text becomes a number here; answers take JSON numbers only
        try:
            return float(text.replace(",", "."))
        except ValueError:
            return text
    if kind == Kind.MULTI_CHOICE:
        return _parse_choice(question, lowered)
    if lowered in ("none", "nothing", "-"):
        return []
    if kind == Kind.IMAGING:
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return text
    return _parse_entries(question, text)


def _parse_choice(question: Question, text: str) -> Value:
    ids = [o.id for o in question.options]

    def option(token: str) -> str:
        token = token.strip()
        if token.isdigit() and 1 <= int(token) <= len(ids):
            return ids[int(token) - 1]
        return token

    if question.select == "one":
        return option(text)
    if text in ("none", "0", "-"):
        return []
    chosen: dict[str, str] = {}
    for token in text.replace(" ", ",").split(","):
        if not token:
            continue
        if token.startswith("?"):
            chosen[option(token[1:])] = UNKNOWN
        else:
            chosen[option(token)] = "yes"
    return chosen


def _parse_entries(question: Question, text: str) -> Value:
    entries: list[dict[str, Any]] = []
    for token in [t.strip() for t in text.split(",") if t.strip()]:
        parts = token.split(":")
        if question.kind == Kind.BODY_MAP and question.target == "pain_map":
            region, side = parts[0], parts[1] if len(parts) > 1 and parts[1] else None
            entries.append({"region": region, "side": side, "kind": parts[2] if len(parts) > 2 else "pain"})
        elif question.kind == Kind.BODY_MAP:
            side = parts[1] if len(parts) > 1 and parts[1] else None
            entries.append(
                {"region": parts[0], "side": side, "status": parts[2] if len(parts) > 2 else "reduced"}
            )
        else:
            key = "movement" if question.kind == Kind.EXAM_STRENGTH else "reflex"
            grade: Any = parts[2] if len(parts) > 2 else None
            entries.append(
                {key: parts[0], "side": parts[1] if len(parts) > 1 else None, "grade": _int(grade)}
            )
    return entries


def _int(text: Any) -> Any:
    try:
        return int(text)
    except (TypeError, ValueError):
        return text


def _show_question(console: Console, session: InterviewSession, question: Question) -> None:
    done = len(session.answers)
    limit = session.config.max_questions
    console.print(
        f"\n[bold cyan]Question {done + 1}[/] [dim](about {limit} at most)[/]  {question.text(session.mode)}"
    )
    if question.kind == Kind.MULTI_CHOICE:
        for i, option in enumerate(question.options, start=1):
            console.print(f"  {i}. {option.patient if session.mode == 'patient' else option.clinician}")
        tip = (
            "one number"
            if question.select == "one"
            else "numbers, comma-separated; ?n if unsure of one; none"
        )
        console.print(f"  [dim]Answer: {tip}; dk if you don't know[/]")
    else:
        console.print(f"  [dim]Answer: {HELP[question.kind]}[/]")
    console.print(f"  {COMMANDS}")


def _show_running(console: Console, session: InterviewSession) -> None:
    assessment = session.current_assessment()
    table = Table(title="Running assessment", show_header=True, expand=False)
    table.add_column("condition")
    table.add_column("p", justify="right")
    for entry in assessment.differential[:3]:
        table.add_row(entry.name, f"{entry.probability:.2f}")
    site = assessment.localization[0]
    table.add_row(
        f"[dim]site: {site.name}{' ' + site.side if site.side else ''}[/]", f"{site.probability:.2f}"
    )
    console.print(table)


def _ask(console: Console, session: InterviewSession, question: Question) -> None:
    while True:
        _show_question(console, session, question)
        text = typer.prompt(">", default="", show_default=False)
        command = text.strip().lower()
        if command in ("quit", "exit"):
            raise _Quit
        if command == "back":
            if not session.answers:
                console.print("[yellow]Nothing to go back to.[/]")
                continue
            undone, _ = session.back()
            console.print(f"[yellow]Undid the answer to '{undone}'.[/]")
            return
        if command in ("?", "why"):
            console.print(f"[italic]Why we ask:[/] {session.why(question.id)}")
            continue
        if command == "?" * 2:
            text = UNKNOWN
        try:
            session.answer(question.id, _parse(question, text))
        except AnswerError as error:
            console.print(f"[red]{error.reason}[/] — please try again.")
            continue
        value = dict(session.answers)[question.id]
        console.print(f"  [green]✓[/] {describe(question, value, session.mode)}")
        return


def _save(console: Console, session: InterviewSession, path: Path | None) -> None:
    if path is not None:
        path.write_text(session.to_json(), encoding="utf-8")
        console.print(f"[dim]Session saved to {path}[/]")


@app.callback(invoke_without_command=True)
def interview(
    mode: Annotated[str, typer.Option("--mode", help="patient or clinician")] = "patient",
    resume: Annotated[Path | None, typer.Option("--resume", help="continue a saved session")] = None,
    save: Annotated[Path | None, typer.Option("--save", help="save the session to this file")] = None,
    setting: Annotated[
        Setting, typer.Option("--setting", help="care setting (priors)")
    ] = Setting.PRIMARY_CARE,
) -> None:
    """Run an adaptive interview and print the assessment."""
    console = Console()
    if mode not in ("patient", "clinician"):
        console.print(f"[red]--mode must be patient or clinician, got {mode!r}[/]")
        raise typer.Exit(2)
    if resume is not None:
        try:
            session = InterviewSession.from_json(resume.read_bytes())
        except (OSError, SessionError) as error:
            console.print(f"[red]Cannot resume from {resume}: {error}[/]")
            raise typer.Exit(2) from None
        if session.mode != mode:
            console.print(f"[dim]Resuming in {session.mode} mode, as saved.[/]")
    else:
        session = InterviewSession("clinician" if mode == "clinician" else "patient", setting)
    console.print(
        "[bold]nervemap interview[/] — decision support, not a diagnosis. "
        "If you have new bladder or bowel problems, or numbness between the legs, seek help now."
    )
    try:
        while (question := session.next_question()) is not None:
            if session.mode == "clinician" and session.answers:
                _show_running(console, session)
            _ask(console, session, question)
            _save(console, session, save)
    except _Quit:
        _save(console, session, save)
        console.print("Interview stopped; answers so far kept.")
        raise typer.Exit(0) from None
    reason = session.stop_reason
    console.print(f"\n[bold]Interview finished[/] after {len(session.answers)} questions ({reason}).")
    render_text(session.current_assessment(), console)
    _save(console, session, save)
