"""The composition root (issue 17): ``create_app(settings, knowledge=None)`` builds the whole HTTP
service once - the compiled knowledge, the database engine and its sessions, the token signer - keeps
them in the application's state (read by ``nervemap.server.deps``), and mounts the API, the FHIR / CDS
Hooks routes and the web pages. Nothing global: two apps built with two knowledge bases or two
databases do not share them. Only this module (and the commands that serve it) knows every front end.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from starlette.concurrency import run_in_threadpool

from nervemap import __version__, web
from nervemap.api import docs, security
from nervemap.api.app import DESCRIPTION
from nervemap.api.app import install as install_api
from nervemap.api.cds_auth import cds_caller
from nervemap.api.limits import BodySizeLimit
from nervemap.engine.compiled import CompiledKnowledge, compile_knowledge, default_compiled
from nervemap.interop import cds_hooks, episode_api, fhir_api
from nervemap.interop.cds_config import load_cds_config
from nervemap.interview import incremental
from nervemap.interview.catalogue import catalogue_for
from nervemap.knowledge.loader import LoadedKnowledge
from nervemap.server import problems
from nervemap.server.auth import Permit
from nervemap.server.tokens import TokenSigner
from nervemap.services import accounts
from nervemap.settings import Settings
from nervemap.store.db import make_engine, make_sessionmaker
from nervemap.store.migrate import upgrade_database
from nervemap.store.models import Role, Scope


def compiled_of(knowledge: CompiledKnowledge | LoadedKnowledge | None) -> CompiledKnowledge:
    """The compiled knowledge: given, compiled from a loaded knowledge base, or the bundled one."""
    if knowledge is None:
        return default_compiled()
    if isinstance(knowledge, CompiledKnowledge):
        return knowledge
    return compile_knowledge(knowledge)


def create_app(
    settings: Settings | None = None, knowledge: CompiledKnowledge | LoadedKnowledge | None = None
) -> FastAPI:
    settings = settings or Settings()
    url = settings.sqlalchemy_url()
    engine = make_engine(url, settings.sqlite_synchronous)
    # The caller cache is per process (services/accounts.CALLERS): the app it serves sets its window.
    accounts.CALLERS.ttl_s = settings.caller_cache_seconds

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if settings.migrate_on_startup:
            await run_in_threadpool(upgrade_database, url)
        yield
        engine.dispose()

    app = FastAPI(
        title="nervemap",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_url="/openapi.json",
        docs_url=None,  # nervemap.api.docs serves Swagger UI from the installed package
        redoc_url=None,
        # FastAPI's own OpenTelemetry spans carry the raw path and query (url.path, url.query: patient-
        # link tokens, record ids, filters), which nervemap's access log keeps out on purpose; and it
        # asked on every request whether a provider was configured (7 of 76 us of a /health, issue 16).
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings = settings
    app.state.knowledge = compiled_of(knowledge)
    # First-request costs paid here, once per app (issue 16): the interview's sparse-path probe
    # (0.3-0.7 s) and the question catalogue (the knowledge base's own, held on it). Not at import:
    # only a process that serves pays.
    incremental.warm(app.state.knowledge)
    catalogue_for(app.state.knowledge)
    if settings.warm_text_reader:
        _warm_text_reader(app.state.knowledge)
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.signer = TokenSigner(settings.signing_key(), settings.token_expiry_minutes * 60)
    problems.install(app)
    install_api(app)
    _include_interoperability(app)
    docs.install(app)  # before the web pages: its /static/swagger-ui mount must match first
    web.install(app)  # the server-rendered pages (patients and the clinician workspace), static files
    security.add_inner_guards(app, settings)  # rate limits and time limit, inside the body limit
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    security.add_outer_guards(app, settings)  # headers on every answer, errors contained, access log
    return app


def _warm_text_reader(compiled: CompiledKnowledge) -> None:
    """The text reader's first-note costs (medSpaCy, matchers, patterns: seconds) paid when the app
    is built rather than by the first clinician who sends a note; a server without the extractor
    installed serves structured cases only and says so per request (services/assessments.py)."""
    from nervemap.nlp.warm import warm_reader

    try:
        warm_reader(compiled.knowledge)
    except ImportError as missing:  # medSpaCy or spaCy absent: each text request says so (422/501)
        logging.getLogger(__name__).warning("text reader not warmed: %s", missing)


def _include_interoperability(app: FastAPI) -> None:
    """FHIR and CDS Hooks: an EHR calls them with a clinician's token or an API key (read scope)."""
    app.state.cds_config = load_cds_config(app.state.settings.cds_clients_file)
    clinician = [Depends(Permit({Role.CLINICIAN}, Scope.READ))]
    app.include_router(fhir_api.metadata_router)  # the CapabilityStatement is public
    app.include_router(fhir_api.router, dependencies=clinician)
    app.include_router(episode_api.router)  # a follow-up episode as a Bundle (clinicians, audited)
    app.include_router(cds_hooks.router, dependencies=[Depends(cds_caller)])
