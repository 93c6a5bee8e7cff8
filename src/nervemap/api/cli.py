"""Service commands (serve, users, API keys, database, demo data), to be mounted on the main CLI."""

from __future__ import annotations

import gc
import getpass
import logging
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy.orm import Session

from nervemap.services import accounts, demo
from nervemap.services.accounts import Role, Scope, User
from nervemap.services.errors import Conflict, Invalid, NotFound
from nervemap.settings import Settings

if TYPE_CHECKING:
    from fastapi import FastAPI

    from nervemap.engine.compiled import CompiledKnowledge

app = typer.Typer(help="The nervemap HTTP service.", no_args_is_help=True, pretty_exceptions_enable=False)
user_app = typer.Typer(help="User accounts.", no_args_is_help=True)
apikey_app = typer.Typer(help="API keys.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(apikey_app, name="apikey")
app.add_typer(db_app, name="db")
console = Console()
errors = Console(stderr=True, soft_wrap=True)

DEMO_EMAIL, DEMO_PASSWORD = demo.DEMO_EMAIL, demo.DEMO_PASSWORD
CLI_ACTOR = "cli"


def _fail(message: str) -> typer.Exit:
    errors.print(f"[bold red]error:[/] {escape(message)}", highlight=False)
    return typer.Exit(2)


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
# With --workers each line also names its process: the access log then tells how the requests and their
# times were split over the workers (benchmarks/service_load.py reads it; issue 16).
WORKER_LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"
RATE_LIMIT_FILE = "ratelimits.db"
# uvicorn's supervisor pings each --workers process every 0.5 s and kills and replaces one that does not
# answer within this many seconds (uvicorn's default: 5). A worker busy under load answers late - the
# answering thread waits for the GIL behind the threadpool's threads, and on a loaded host for a core -
# and a replaced worker drops its requests in flight and rebuilds the app (issue 16: 3 replacements in
# a 25 s benchmark at 100 clients). A hung worker is still replaced, after this long.
WORKER_HEALTHCHECK_S = 60


# The cyclic collector's thresholds in a server process (issue 16, session 9). Python's default
# (700, 10, 10) still ran, after the start-up freeze, about 1,300 young, 110 middle and 8 full
# collections per --workers process in 14 s at 100 clients (gc.callbacks, CPU of the collecting
# thread, HEAD 8e6c68f): 0.37 s of CPU, full collections of up to 10 ms with the GIL held - each a
# stall of every request of the process - because the objects of the 50 requests in flight survive
# young collections and are walked again in the older generations. With a young generation of 50,000
# objects none ran under that load (tracked objects are mostly freed by reference counting before
# the count gets there). The requests make few reference cycles (a few objects a collection), so the
# rarer collections keep little garbage longer.
SERVE_GC_THRESHOLDS = (50_000, 20, 10)


def freeze_startup_heap() -> None:
    """Move every object alive now out of the cyclic garbage collector's reach (``gc.freeze``), after
    one last collection: for a server process that has built its app (issue 16).

    The compiled knowledge base, the interview catalogue, pydantic's and SQLAlchemy's structures are
    about 800,000 tracked objects that live as long as the process. Python's full (generation 2)
    collection walks all of them: 200 ms of CPU with the GIL held, three or four times in 10 s per
    worker at 100 clients, each a stall of every request in that process (0.8-0.9 s measured under
    load; half of the 100-client p99). Frozen objects are still freed when their last reference goes;
    only cycles among them are never collected, and start-up makes none that matter.

    Then the collector's thresholds become :data:`SERVE_GC_THRESHOLDS`."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*SERVE_GC_THRESHOLDS)


def served_app() -> FastAPI:
    """The app one ``nervemap serve`` process serves (uvicorn's factory for ``--workers``):
    ``create_app()`` from the NERVEMAP_* settings, then :func:`freeze_startup_heap`."""
    from nervemap.api.cpus import pin_if_asked
    from nervemap.app import create_app

    served = create_app()
    freeze_startup_heap()
    pin_if_asked(Settings().data_dir / "worker-cpus")  # one core per worker (api/cpus.py)
    return served


@app.command("serve")
def serve(
    host: Annotated[str | None, typer.Option(help="Default: NERVEMAP_HOST or 127.0.0.1")] = None,
    port: Annotated[int | None, typer.Option(help="Default: NERVEMAP_PORT or 8000")] = None,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Server processes sharing the port (about one per core)")
    ] = 1,
) -> None:
    """Run the API with uvicorn (migrates the database first).

    With --workers N, N processes share the port. The database is migrated and the signing key
    created once, here, before they start; each worker builds the app from the same NERVEMAP_*
    settings, and the rate-limit buckets are shared through NERVEMAP_RATE_LIMIT_FILE (default
    <data_dir>/ratelimits.db, emptied at start), so the limits hold for all workers together.
    """
    import uvicorn

    from nervemap.blas import VARIABLES, default_one_thread, limit_loaded_blas

    # One BLAS thread per server process unless the user's environment says otherwise (issue 16):
    # inherited by the --workers processes; this one is limited too if numpy was imported first.
    if default_one_thread() == list(VARIABLES):  # none set before numpy was imported
        limit_loaded_blas()
    settings = Settings()
    # access_log off: uvicorn's log has raw paths (patient-link tokens); nervemap.access logs routes.
    if workers == 1:
        from nervemap.app import create_app

        logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
        served = create_app(settings)
        freeze_startup_heap()
        uvicorn.run(
            served,
            host=host or settings.host,
            port=port or settings.port,
            access_log=False,
            log_level="info",
        )
        return
    import os

    from nervemap.services.database import upgrade

    if settings.migrate_on_startup:
        upgrade(settings.sqlalchemy_url())
    settings.signing_key()  # generated once before the workers start, all of them read it
    os.environ["NERVEMAP_MIGRATE_ON_STARTUP"] = "false"  # inherited by the workers
    shared = settings.rate_limit_file or settings.data_dir / RATE_LIMIT_FILE
    shared.parent.mkdir(parents=True, exist_ok=True)
    for stale in (shared, shared.with_name(shared.name + "-wal"), shared.with_name(shared.name + "-shm")):
        stale.unlink(missing_ok=True)  # buckets start full at every start, as in one process
    os.environ["NERVEMAP_RATE_LIMIT_FILE"] = str(shared)
    # a core per worker (api/cpus.py) by default only when the workers fill the machine's cores: with cores
    # to spare a pinned worker could not move to an idle one (NERVEMAP_PIN_WORKERS set by hand decides)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    pin_here = "NERVEMAP_PIN_WORKERS" not in os.environ and workers >= cores
    if pin_here:
        os.environ["NERVEMAP_PIN_WORKERS"] = str(os.getpid())
    try:
        run_workers(
            "nervemap.api.cli:served_app",
            factory=True,
            workers=workers,
            timeout_worker_healthcheck=WORKER_HEALTHCHECK_S,
            host=host or settings.host,
            port=port or settings.port,
            access_log=False,
            log_level="info",
            log_config=_worker_log_config(),
        )
    finally:
        if pin_here:
            del os.environ[
                "NERVEMAP_PIN_WORKERS"
            ]  # later subprocesses of this process must not pin themselves


class WorkerListener(socket.socket):
    """The listening socket of ``serve --workers``: bound in the supervisor with ``SO_REUSEPORT`` (which
    keeps the port), and in each worker process a socket of its own bound to the same address.

    uvicorn hands its worker processes the supervisor's socket (pickled when it spawns each one, again
    for a replacement). With one shared socket the worker whose event loop wakes first accepts every
    connection pending (libuv accepts in a loop), so keep-alive clients that connect together land on
    one worker and stay there: splits of 64/36 and 80/20 of 100 clients were measured (issue 16), and
    the busier worker's clients waited longer. A socket per worker in one ``SO_REUSEPORT`` group lets
    the kernel spread the connections over the workers by a hash of their addresses. The supervisor's
    own socket never listens, so it never takes connections; stated limit: connections waiting in a
    worker's accept queue when that worker dies are reset (with a shared socket another worker took
    them)."""

    @classmethod
    def bound(cls, host: str, port: int) -> WorkerListener:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        listener = cls(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        try:
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            listener.bind((host, port))
        except OSError:
            listener.close()
            raise
        return listener

    @staticmethod
    def refuse_if_taken(host: str, port: int) -> None:
        """Raise ``OSError`` (address in use) when any socket holds ``host:port``, another
        ``SO_REUSEPORT`` group included. Without this check a second ``serve --workers`` on the same
        port (an instance left running through an upgrade, one with another database or knowledge
        version) would join the first one's group without error and the kernel would split
        clinicians' connections between two deployments. A socket bound without ``SO_REUSEPORT`` cannot
        share the port with a group, so binding one and closing it at once is the check."""
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT does not count
            probe.bind((host, port))

    def __reduce_ex__(self, protocol: object) -> tuple[Any, tuple[str, int]]:
        host, port = self.getsockname()[:2]
        return WorkerListener.bound, (host, port)  # in the worker: its own socket on the same address


def run_workers(app_path: str, **options: Any) -> None:
    """``uvicorn.run(app_path, **options)`` for several workers: uvicorn's supervisor (health checks,
    replacement of dead workers, signals) over ``options["workers"]`` processes, each listening on a
    :class:`WorkerListener` of its own where the system has ``SO_REUSEPORT``; elsewhere on one shared
    socket, as ``uvicorn.run`` does."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config(app_path, **options)

    if not hasattr(socket, "SO_REUSEPORT"):
        Multiprocess(config, sockets=[config.bind_socket()]).run()
        return
    try:
        if config.port:
            WorkerListener.refuse_if_taken(config.host, config.port)
        listener = WorkerListener.bound(config.host, config.port)
    except OSError as error:
        raise _fail(f"--port: cannot listen on {config.host}:{config.port}: {error}") from None
    logging.getLogger("uvicorn.error").info(
        "Uvicorn running on http://%s:%d, a socket per worker (SO_REUSEPORT)", config.host, config.port
    )
    with listener:
        Multiprocess(config, sockets=[listener]).run()


def _worker_log_config() -> dict[str, object]:
    """uvicorn's logging set-up plus nervemap's (the root logger at INFO, as ``basicConfig`` gives
    one process), applied in every worker process."""
    import copy

    from uvicorn.config import LOGGING_CONFIG

    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["nervemap"] = {"format": WORKER_LOG_FORMAT}
    config["handlers"]["nervemap"] = {
        "class": "logging.StreamHandler",
        "formatter": "nervemap",
        "stream": "ext://sys.stderr",
    }
    config["root"] = {"level": "INFO", "handlers": ["nervemap"]}
    return config


@user_app.command("add")
def user_add(
    email: str,
    role: Annotated[Role, typer.Option(help="clinician or admin")] = Role.CLINICIAN,
    password: Annotated[str | None, typer.Option(help="Prompted for if not given")] = None,
) -> None:
    """Create a user."""
    secret = password if password is not None else getpass.getpass("password: ")
    if len(secret) < 12:
        raise _fail("--password: at least 12 characters")
    with _session() as session:
        try:
            accounts.create_user(session, email, role, secret, actor=CLI_ACTOR)
        except Conflict:
            raise _fail(f"EMAIL: a user '{email}' exists already") from None
    console.print(f"created {role.value} {escape(email)}", highlight=False)


def _new_password(password: str | None, prompt: str = "new password: ") -> str:
    secret = password if password is not None else getpass.getpass(prompt)
    if len(secret) < 12:
        raise _fail("--password: at least 12 characters")
    return secret


@user_app.command("list")
def user_list() -> None:
    """Every account: id, email, role, active or not, created."""
    with _session() as session:
        for user in accounts.list_users(session):
            state = "active" if user.active else "inactive"
            print(f"{user.id}\t{user.email}\t{user.role}\t{state}\t{_when(user.created_at)}")


def _user_or_fail(session: Session, email: str) -> User:
    user = accounts.user_by_email(session, email)
    if user is None:
        raise _fail(f"EMAIL: no user '{email}'")
    return user


@user_app.command("deactivate")
def user_deactivate(email: str) -> None:
    """The user can no longer sign in; their tokens and web sessions end now, their API keys are
    refused while the account is inactive."""
    with _session() as session:
        accounts.set_active(session, _user_or_fail(session, email), False, actor=CLI_ACTOR)
    console.print(f"deactivated {escape(email)}", highlight=False)


@user_app.command("reactivate")
def user_reactivate(email: str) -> None:
    """The user may sign in again (tokens from before the deactivation stay revoked)."""
    with _session() as session:
        accounts.set_active(session, _user_or_fail(session, email), True, actor=CLI_ACTOR)
    console.print(f"reactivated {escape(email)}", highlight=False)


@user_app.command("reset-password")
def user_reset_password(
    email: str,
    password: Annotated[str | None, typer.Option(help="Prompted for if not given")] = None,
) -> None:
    """Set a user's password (an administrator's reset); their tokens and web sessions end."""
    secret = _new_password(password)
    with _session() as session:
        accounts.reset_password(session, _user_or_fail(session, email), secret, actor=CLI_ACTOR)
    console.print(f"password reset for {escape(email)}; their sessions have ended", highlight=False)


@user_app.command("passwd")
def user_passwd(
    email: str,
    old_password: Annotated[str | None, typer.Option(help="Prompted for if not given")] = None,
    password: Annotated[str | None, typer.Option(help="The new one; prompted for if not given")] = None,
) -> None:
    """Change your own password: the old one is needed. Your tokens and web sessions end."""
    old = old_password if old_password is not None else getpass.getpass("old password: ")
    with _session() as session:
        user = _user_or_fail(session, email)
        if not accounts.check_password(user, old):
            raise _fail("--old-password: wrong password")
        accounts.set_own_password(session, user, _new_password(password), actor=CLI_ACTOR)
    console.print("password changed; your sessions have ended", highlight=False)


@user_app.command("end-sessions")
def user_end_sessions(email: str) -> None:
    """Every bearer token and web session of the user stops working now (API keys: apikey revoke)."""
    with _session() as session:
        accounts.end_sessions(session, _user_or_fail(session, email), actor=CLI_ACTOR)
    console.print(f"sessions of {escape(email)} ended", highlight=False)


@apikey_app.command("create")
def apikey_create(
    owner: Annotated[str, typer.Option(help="Email of the user the key acts for")],
    scope: Annotated[
        list[Scope] | None, typer.Option(help="Repeat for several; default read and write")
    ] = None,
    name: Annotated[str, typer.Option(help="A label for the key")] = "",
) -> None:
    """Issue an API key; it is printed once and only its hash is kept."""
    scopes = scope or [Scope.READ, Scope.WRITE]
    with _session() as session:
        user = accounts.user_by_email(session, owner)
        if user is None:
            raise _fail(f"--owner: no user '{owner}'")
        try:
            issued = accounts.issue_api_key(session, user, scopes, name, actor=CLI_ACTOR, field="--scope")
        except Invalid as error:
            raise _fail(error.detail) from None
    console.print(issued.key, highlight=False, markup=False)  # stdout: the key alone, for scripts
    errors.print(
        f"id {issued.record.id} (nervemap apikey revoke ID; the key is not shown again)", highlight=False
    )


@apikey_app.command("list")
def apikey_list(
    owner: Annotated[str | None, typer.Option(help="Only this user's keys (email)")] = None,
) -> None:
    """Every API key: id, owner, name, first characters, scopes, created, active or revoked (when)."""
    with _session() as session:
        owner_id = _user_or_fail(session, owner).id if owner is not None else None
        for key, found in accounts.list_api_keys(session, owner_id):
            state = "active" if key.revoked_at is None else f"revoked {_when(key.revoked_at)}"
            email = found.email if found is not None else "?"
            scopes = ",".join(key.scopes)
            created = _when(key.created_at)
            print(f"{key.id}\t{email}\t{key.name or '-'}\t{key.prefix}...\t{scopes}\t{created}\t{state}")


@apikey_app.command("revoke")
def apikey_revoke(key_id: str) -> None:
    """Revoke an API key by its id."""
    try:
        identifier = uuid.UUID(key_id)
    except ValueError:
        raise _fail("KEY_ID: not a UUID") from None
    with _session() as session:
        try:
            accounts.revoke_api_key(session, identifier, actor=CLI_ACTOR)
        except NotFound:
            raise _fail("KEY_ID: no active key with this id") from None
    console.print("revoked")


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Migrate the database up to REVISION (default: latest)."""
    from nervemap.services.database import upgrade

    upgrade(Settings().sqlalchemy_url(), revision)
    console.print(f"database at {revision}")


@db_app.command("downgrade")
def db_downgrade(revision: str = "base") -> None:
    """Migrate the database down to REVISION (default: empty: drops every table)."""
    from nervemap.services.database import downgrade

    downgrade(Settings().sqlalchemy_url(), revision)
    console.print(f"database at {revision}")


@app.command("demo-data")
def demo_data() -> None:
    """Create a demo clinician and assess the bundled example cases as that clinician."""
    with _session() as session:
        count = demo.create_demo_data(session, actor=CLI_ACTOR)
    console.print(f"{count} demo assessments created")
    console.print(f"login: {DEMO_EMAIL} / {DEMO_PASSWORD}", highlight=False)


@contextmanager
def _session() -> Iterator[Session]:
    """A session on the configured database, migrated to the latest schema first."""
    from nervemap.services.database import session_on

    with session_on(Settings().sqlalchemy_url()) as session:
        yield session


# ------------------------------------------------------------------ follow-up episodes (issue 19)

episode_app = typer.Typer(
    help="Follow-up episodes: the course of a patient's leg pain.", no_args_is_help=True
)
app.add_typer(episode_app, name="episode")
FULL_POWER = 5  # MRC grade 5: only weaker movements are listed


def _episode_id(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise _fail("EPISODE_ID: not a UUID") from None


def _when(moment: datetime | None) -> str:
    return "-" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def _compiled(data: Path | None) -> CompiledKnowledge | None:
    """The knowledge base of ``--data`` compiled (None: the packaged one), as ``nervemap kb`` reads it."""
    if data is None:
        return None
    from nervemap.engine.compiled import compile_knowledge
    from nervemap.knowledge.loader import read_knowledge

    if not data.is_dir():
        raise _fail(f"--data: '{data}' is not a folder")
    loaded, problems = read_knowledge(data)
    if loaded is None:
        raise _fail(f"--data: the knowledge base has {len(problems)} problem(s); see nervemap kb check")
    return compile_knowledge(loaded)


@episode_app.command("show")
def episode_show(
    episode_id: str,
    as_json: Annotated[bool, typer.Option("--json", help="The episode as the API returns it")] = False,
    data: Annotated[
        Path | None, typer.Option("--data", help="Knowledge folder (default: the packaged one)")
    ] = None,
) -> None:
    """An episode at a glance: triage and why, the course measure by measure, the schedule.

    A stored course this nervemap no longer reads is read again with the knowledge base of --data
    (the one the service runs with). The read is recorded in the audit trail (actor 'cli').
    """
    from rich.table import Table

    from nervemap.api.routers.episodes import episode_out
    from nervemap.services import episodes as service

    identifier = _episode_id(episode_id)
    compiled = _compiled(data)
    with _session() as session:
        try:
            view = service.get_episode(session, identifier, actor=CLI_ACTOR, compiled=compiled)
        except service.EpisodeError as error:
            raise _fail(f"EPISODE_ID: {error.detail}") from None
    if as_json:
        console.print_json(episode_out(view).model_dump_json())
        return
    episode, course = view.episode, view.course
    flag = "  [bold red]needs clinician review[/]" if episode.needs_clinician_review else ""
    console.print(
        f"[bold]Episode {episode.id}[/]  {episode.status}  triage [bold]{episode.triage_level}[/]{flag}"
    )
    console.print(
        f"started {_when(view.checkins[0].at)} from assessment {episode.first_assessment_id}; "
        f"course: {course.overall}; next check-in due {_when(episode.next_due_at)}",
        highlight=False,
    )
    if episode.reviewed_at is not None:
        console.print(f"reviewed {_when(episode.reviewed_at)}: {escape(episode.review_comment or '')}")
    table = Table(title="Check-ins", title_justify="left")
    for column in (
        "#",
        "when",
        "week",
        "by",
        "leg",
        "back",
        "function",
        "map",
        "distal",
        "worst MRC",
        "level",
    ):
        table.add_column(column)
    for index, (checkin, measures) in enumerate(zip(view.checkins, course.measures, strict=False)):
        function = _number(measures.function)
        if measures.function is not None and measures.function_measure:
            function += f" {measures.function_measure}"
        weak = sorted((k, v) for k, v in measures.worst_mrc.items() if v < FULL_POWER)
        mrc = ", ".join(f"{k} {v}" for k, v in weak) or ("all 5" if measures.worst_mrc else "-")
        table.add_row(
            str(index),
            _when(checkin.at),
            f"{measures.weeks_since_start:.1f}",
            checkin.source,
            _number(measures.leg_pain),
            _number(measures.back_pain),
            function,
            _number(measures.map_regions),
            measures.most_distal_region or "-",
            escape(mrc),
            checkin.triage_level,
        )
    console.print(table)
    for voided in view.voided:
        console.print(
            f"voided check-in of {_when(voided.at)} (entered in error, {_when(voided.voided_at)}): "
            f"{voided.void_reason or ''}",
            highlight=False,
            markup=False,
        )
    if course.changes:
        console.print("[bold]Since the previous check-in[/]")
        for change in course.changes:
            if change.previous is None and change.current is None:
                continue  # measured at neither check-in
            threshold = "" if change.threshold is None else f" (important change {change.threshold:g}"
            threshold += "" if change.threshold is None else f", {change.source_id})"
            console.print(
                f"  {change.measure}: {_number(change.previous)} -> {_number(change.current)}"
                f"  {change.trend}{threshold}",
                highlight=False,
                markup=False,
            )
    for escalation in course.escalations:
        console.print(
            f"[bold red]escalation[/] {escalation.rule_id} -> {escalation.triage_level.value}: "
            f"{escape(escalation.clinician_text)} " + escape(f"[{', '.join(escalation.source_ids)}]"),
            highlight=False,
        )
    if view.schedule:
        console.print("[bold]Planned check-ins[/]")
        for item in view.schedule:
            console.print(
                f"  week {item.weeks:g}  {_when(item.due_at)}  {item.status:<8} "
                f"{item.reason} [{item.source_id}]",
                highlight=False,
                markup=False,
            )


@episode_app.command("list")
def episode_list(
    due: Annotated[bool, typer.Option("--due", help="Only those with a planned check-in due now")] = False,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only those a week or more late")] = False,
    escalated: Annotated[bool, typer.Option("--escalated", help="Only those waiting for review")] = False,
    closed: Annotated[bool, typer.Option("--closed", help="Closed episodes instead of open ones")] = False,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 100,
) -> None:
    """The clinician queue of episodes: waiting for review first, then by the next due check-in."""
    from rich.table import Table

    from nervemap.services import episodes as service
    from nervemap.services.episodes import EpisodeStatus

    status = EpisodeStatus.CLOSED if closed else EpisodeStatus.OPEN
    where = service.ListFilter(status=status, due=due, overdue=overdue, escalated=escalated)
    with _session() as session:
        rows, total = service.list_episodes(session, actor=CLI_ACTOR, where=where, limit=limit)
    table = Table(title=f"{total} episode(s)", title_justify="left")
    for column in ("id", "triage", "review", "course", "next due", "created"):
        table.add_column(column)
    for episode in rows:
        table.add_row(
            str(episode.id),
            episode.triage_level,
            "needed" if episode.needs_clinician_review else "-",
            episode.overall,
            _when(episode.next_due_at),
            _when(episode.created_at),
        )
    console.print(table)
