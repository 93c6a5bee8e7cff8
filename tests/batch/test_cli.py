"""The batch command as a user meets it, alone and mounted in a parent Typer app."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from nervemap.batch.cli import app
from tests.batch.conftest import BAD, PARTITION, SIZE

runner = CliRunner()


def mounted() -> typer.Typer:
    """As the nervemap command line mounts it: add_typer without a name, beside other commands."""
    parent = typer.Typer()
    parent.add_typer(app)

    @parent.command("other")
    def other() -> None:
        """A sibling command."""

    return parent


def test_batch_writes_the_output_and_reports_errors(jsonl_input: Path, tmp_path: Path) -> None:
    output = tmp_path / "flat.csv"
    arguments = ["batch", str(jsonl_input), "--out", str(output), "--workers", "0"]
    result = runner.invoke(mounted(), [*arguments, "--partition-size", str(PARTITION)])
    assert result.exit_code == 0, result.output
    assert f"{SIZE} records" in result.output
    assert f"{len(BAD)} record(s) could not be assessed" in result.output
    assert len(output.read_text(encoding="utf-8").splitlines()) == SIZE + 1
    errors = [json.loads(line) for line in Path(str(output) + ".errors.jsonl").read_text().splitlines()]
    assert len(errors) == len(BAD)


def test_the_app_alone_runs_its_one_command(jsonl_input: Path, tmp_path: Path) -> None:
    output = tmp_path / "out.jsonl"
    result = runner.invoke(app, [str(jsonl_input), "--out", str(output), "--workers", "0"])
    assert result.exit_code == 0, result.output
    assert output.is_file()


def test_batch_refuses_an_unknown_output_format(jsonl_input: Path, tmp_path: Path) -> None:
    result = runner.invoke(mounted(), ["batch", str(jsonl_input), "--out", str(tmp_path / "out.xlsx")])
    assert result.exit_code == 2
    assert "expected a .jsonl" in result.output


def test_batch_refuses_a_missing_input(tmp_path: Path) -> None:
    result = runner.invoke(
        mounted(), ["batch", str(tmp_path / "none.jsonl"), "--out", str(tmp_path / "o.jsonl")]
    )
    assert result.exit_code == 2
    assert "not found" in result.output
