"""Scripted terminal interviews through the Typer app, mounted as `nervemap interview` would be."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from nervemap.interview import InterviewSession
from nervemap.interview.cli import _parse
from nervemap.interview.cli import app as interview_app

root = typer.Typer()
root.add_typer(interview_app, name="interview")
runner = CliRunner()

L5_LEFT = {
    "red_flags_nerves": "none",
    "red_flags_general": "none",
    "body_map": "lower_back:left, buttock:left, thigh_posterior:left, leg_lateral:left, "
    "foot_dorsum:left:tingling, great_toe:left:numbness",
    "age": "41",
    "sex": "2",
    "duration": "3",
    "onset": "1",
    "back_pain": "y",
    "leg_worse_than_back": "y",
    "radiating": "y",
    "worse_with": "1",
    "slr": "left",
    "strength_ankle_up": "ankle_dorsiflexion:left:4, great_toe_extension:left:4, ankle_inversion:left:4, "
    "ankle_eversion:left:5, ankle_dorsiflexion:right:5, great_toe_extension:right:5",
    "strength_ankle_down": "ankle_plantarflexion:left:5, ankle_plantarflexion:right:5",
    "reflexes": "patellar:left:2, patellar:right:2, achilles:left:2, achilles:right:2",
    "sensation": "foot_dorsum:left:reduced, great_toe:left:reduced",
}


def _script(mode: str, typed: dict[str, str]) -> tuple[list[str], list[str]]:
    """The lines to type (anything not scripted: "dk"), found by running the same session first."""
    session = InterviewSession(mode)  # type: ignore[arg-type]
    lines: list[str] = []
    asked: list[str] = []
    while (question := session.next_question()) is not None:
        text = typed.get(question.id, "dk")
        session.answer(question.id, _parse(question, text))
        asked.append(question.id)
        lines.append(text)
    return lines, asked


def test_scripted_l5_radiculopathy_interview(tmp_path: Path) -> None:
    lines, asked = _script("clinician", L5_LEFT)
    # "back" after the first answer, then the same answer again; "?" before the third question
    typed = [lines[0], "back", lines[0], lines[1], "?", *lines[2:]]
    saved = tmp_path / "session.json"
    result = runner.invoke(
        root, ["interview", "--mode", "clinician", "--save", str(saved)], input="\n".join(typed) + "\n"
    )
    assert result.exit_code == 0, result.output
    assert "Undid the answer to 'red_flags_nerves'" in result.output
    assert "Why we ask:" in result.output
    assert "Running assessment" in result.output
    assert "Interview finished" in result.output
    assert "L5 root (left)" in result.output
    assert "Lumbar disc herniation" in result.output
    session = InterviewSession.from_json(saved.read_text())
    assert [q for q, _ in session.answers] == asked
    assessment = session.current_assessment()
    assert (assessment.localization[0].root, assessment.localization[0].side) == ("L5", "left")


def test_scripted_cauda_equina_interview_stops_with_an_emergency() -> None:
    typed = {"red_flags_nerves": "1, 5, 7"}  # retention, saddle numbness, bilateral sciatica
    lines, asked = _script("patient", typed)
    assert asked == ["red_flags_nerves"]
    result = runner.invoke(root, ["interview"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    assert "Interview finished after 1 questions (red-flag)" in result.output
    assert "EMERGENCY" in result.output


def test_a_bad_answer_is_explained_and_asked_again() -> None:
    result = runner.invoke(root, ["interview"], input="12\nnone\nquit\n")
    assert result.exit_code == 0, result.output
    assert "unknown option '12'" in result.output
    assert "Interview stopped" in result.output


def test_resume_refuses_a_foreign_file(tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"hello": "world"}))
    result = runner.invoke(root, ["interview", "--resume", str(path)])
    assert result.exit_code == 2
    assert "not a saved nervemap interview" in " ".join(result.output.split())


def test_resume_continues_a_saved_session(tmp_path: Path) -> None:
    session = InterviewSession("patient")
    session.answer("red_flags_nerves", [])
    path = tmp_path / "s.json"
    path.write_text(session.to_json())
    result = runner.invoke(root, ["interview", "--resume", str(path)], input="quit\n")
    assert result.exit_code == 0, result.output
    assert "Question 2" in result.output
