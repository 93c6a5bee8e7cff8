"""``nervemap batch INPUT --out OUTPUT``: the batch runner on the command line, with progress.

Mount it without a name so the command keeps its own: ``main_app.add_typer(batch.cli.app)``
(alone, ``app`` has one command and Typer runs it directly: ``app INPUT --out OUTPUT``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from nervemap.batch.formats import BatchError, input_format, output_format
from nervemap.batch.run import DEFAULT_PARTITION_SIZE, BatchProgress, run_batch

app = typer.Typer(help="Assess files of cases or notes at scale.", no_args_is_help=True)
errors = Console(stderr=True, soft_wrap=True)


def _fail(message: str) -> NoReturn:
    errors.print(f"[bold red]error:[/] {escape(message)}", highlight=False)
    raise typer.Exit(2)


class RateColumn(ProgressColumn):
    """Records per second, over rich's recent-speed window."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("-- rec/s" if speed is None else f"{speed:,.0f} rec/s", style="progress.data.speed")


@app.command("batch")
def batch_command(
    input_path: Annotated[
        Path, typer.Argument(metavar="INPUT", help="JSON Lines or Parquet: cases, or {id, text} notes")
    ],
    out: Annotated[Path, typer.Option("--out", help="Output: .jsonl (full), .parquet or .csv (flat)")],
    dask: Annotated[
        str | None, typer.Option("--dask", help="'local' (2-worker loopback cluster) or tcp://host:port")
    ] = None,
    partition_size: Annotated[
        int, typer.Option("--partition-size", min=1, help="Records per task")
    ] = DEFAULT_PARTITION_SIZE,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", min=0, help="Processes (default: cores) or LocalCluster workers; 0: inline"
        ),
    ] = None,
    data: Annotated[
        Path | None, typer.Option("--data", help="Knowledge folder (default: the packaged one)")
    ] = None,
) -> None:
    """Assess every record of INPUT into OUTPUT; rerun the same command to resume after a stop."""
    try:
        input_format(input_path)
        output_format(out)
    except BatchError as error:
        _fail(str(error))
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")  # one thread per worker process: workers fill the cores
    columns = (
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=errors, transient=False) as bar:
        task = bar.add_task("assessing", total=None)

        def show(progress: BatchProgress) -> None:
            bar.update(task, completed=progress.records_done, total=progress.records_total)

        try:
            result = run_batch(
                input_path,
                out,
                scheduler=dask,
                partition_size=partition_size,
                workers=workers,
                progress=show,
                knowledge=data,
            )
        except BatchError as error:
            bar.stop()
            _fail(str(error))
    errors.print(
        f"{result.records:,} records in {result.seconds:.1f} s "
        f"({result.parts_run} partitions run, {result.parts_resumed} resumed): {escape(str(result.output))}",
        highlight=False,
    )
    if result.errors:
        where = escape(str(result.errors_file))
        errors.print(
            f"[yellow]{result.errors:,} record(s) could not be assessed:[/] {where}", highlight=False
        )
