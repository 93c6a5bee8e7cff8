"""`demo-app`: the whole web app on SQLite with demo data and the demo clinician, on 127.0.0.1:8000.

Mount on the main CLI with ``main_app.add_typer(web.cli.app)`` (or call :func:`demo_app`).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(help="The nervemap web app.", no_args_is_help=True, pretty_exceptions_enable=False)
console = Console()


def prepare_demo(data_dir: Path | None = None) -> None:
    """Migrate the database and create the demo clinician and example assessments (once)."""
    from nervemap.services import demo
    from nervemap.services.database import session_on
    from nervemap.settings import Settings

    if data_dir is not None:
        os.environ["NERVEMAP_DATA_DIR"] = str(data_dir)
    with session_on(Settings().sqlalchemy_url()) as session:
        if not demo.demo_exists(session):
            count = demo.create_demo_data(session, actor="cli")
            console.print(f"{count} demo assessments created")
            console.print(f"login: {demo.DEMO_EMAIL} / {demo.DEMO_PASSWORD}", highlight=False)


@app.command("demo-app")
def demo_app(
    data_dir: Annotated[
        Path | None,
        typer.Option(help="Folder for the SQLite database (default: NERVEMAP_DATA_DIR or ./data)"),
    ] = None,
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
) -> None:
    """Migrate, create demo data, print the address and login, and serve the web app."""
    import uvicorn

    from nervemap.app import create_app
    from nervemap.services import demo
    from nervemap.settings import Settings

    prepare_demo(data_dir)
    settings = Settings()
    console.print(f"nervemap web app: [bold]http://{host}:{port}/[/]  (patients)", highlight=False)
    console.print(f"clinician workspace: http://{host}:{port}/clinic", highlight=False)
    console.print(f"login: {demo.DEMO_EMAIL} / {demo.DEMO_PASSWORD}", highlight=False)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    uvicorn.run(create_app(settings), host=host, port=port, access_log=False, log_level="info")
