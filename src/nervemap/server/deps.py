"""Request-scoped dependencies, taken from the application's state that ``nervemap.app.create_app``
built once: the database session, the settings, the token signer and the compiled knowledge.

They are ``async def`` although none awaits anything (issue 16): FastAPI runs a plain ``def``
dependency in its thread pool, a hop per dependency per request (and two for a generator), which
under 100 concurrent clients cost more CPU than the work. None of them blocks: making a session
opens no connection, and closing one gives its connection back to the pool (a rollback only
when a transaction was left open, which the services do not do).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from nervemap.engine.compiled import CompiledKnowledge
from nervemap.server.tokens import TokenSigner
from nervemap.settings import Settings


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One session per request; anything not committed is rolled back when it closes."""
    with request.app.state.sessionmaker() as session:
        yield session


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_signer(request: Request) -> TokenSigner:
    signer: TokenSigner = request.app.state.signer
    return signer


def get_knowledge(request: Request) -> CompiledKnowledge:
    """The compiled knowledge base the application was built with (also called by the web pages)."""
    knowledge: CompiledKnowledge = request.app.state.knowledge
    return knowledge


async def knowledge_dependency(request: Request) -> CompiledKnowledge:
    """:func:`get_knowledge` as a dependency, without a thread-pool hop."""
    return get_knowledge(request)


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
SignerDep = Annotated[TokenSigner, Depends(get_signer)]
KnowledgeDep = Annotated[CompiledKnowledge, Depends(knowledge_dependency)]
