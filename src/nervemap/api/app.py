"""create_app(settings) -> FastAPI: the whole HTTP service, built from settings, nothing global."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from starlette.concurrency import run_in_threadpool

from nervemap import __version__
from nervemap.api import docs, problems, security
from nervemap.api.auth import Permit
from nervemap.api.limits import BodySizeLimit
from nervemap.api.routers import (
    admin,
    assessments,
    episodes,
    extract,
    health,
    interviews,
    knowledge,
    login,
    patient_links,
)
from nervemap.api.tokens import TokenSigner
from nervemap.settings import Settings
from nervemap.store.db import make_engine, make_sessionmaker
from nervemap.store.migrate import upgrade_database
from nervemap.store.models import Role, Scope

DESCRIPTION = """Explainable decision support for leg pain that may come from the lumbar spine.

Authenticate with a bearer token from `POST /v1/auth/login` or an `X-API-Key` header.
Every error is an RFC 9457 `application/problem+json` document whose `errors` name each field and
the reason. Decision support, not a diagnosis."""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    url = settings.sqlalchemy_url()
    engine = make_engine(url)

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
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.signer = TokenSigner(settings.signing_key(), settings.token_expiry_minutes * 60)
    problems.install(app)
    for router in (
        health.router,
        login.router,
        assessments.router,
        extract.router,
        patient_links.router,
        knowledge.router,
        admin.router,
        interviews.router,
        interviews.invitations,
    ):
        app.include_router(router)
    episodes.install(app)  # follow-up episodes, patient check-in links, the reminder outbox
    _include_interoperability(app)
    docs.install(app)  # before the web pages: its /static/swagger-ui mount must match first
    _include_web(app)
    security.add_inner_guards(app, settings)  # rate limits and time limit, inside the body limit
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    security.add_outer_guards(app, settings)  # headers on every answer, errors contained, access log
    return app


def _include_interoperability(app: FastAPI) -> None:
    """FHIR and CDS Hooks: an EHR calls them with a clinician's token or an API key (read scope)."""
    from nervemap.api.cds_auth import cds_caller
    from nervemap.interop import cds_hooks, episode_api, fhir_api
    from nervemap.interop.cds_config import load_cds_config

    app.state.cds_config = load_cds_config(app.state.settings.cds_clients_file)
    clinician = [Depends(Permit({Role.CLINICIAN}, Scope.READ))]
    app.include_router(fhir_api.metadata_router)  # the CapabilityStatement is public
    app.include_router(fhir_api.router, dependencies=clinician)
    app.include_router(episode_api.router)  # a follow-up episode as a Bundle (clinicians, audited)
    app.include_router(cds_hooks.router, dependencies=[Depends(cds_caller)])


def _include_web(app: FastAPI) -> None:
    """The server-rendered pages (patients and the clinician workspace) and their static files."""
    from nervemap.web import install

    install(app)
