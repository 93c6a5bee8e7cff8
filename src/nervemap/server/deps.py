"""Request-scoped dependencies, taken from the application's state that ``nervemap.app.create_app``
built once: the database session, the settings, the token signer and the compiled knowledge."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from nervemap.engine.compiled import CompiledKnowledge
from nervemap.server.tokens import TokenSigner
from nervemap.settings import Settings


def get_session(request: Request) -> Iterator[Session]:
    """One session per request; anything not committed is rolled back when it closes."""
    with request.app.state.sessionmaker() as session:
        yield session


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_signer(request: Request) -> TokenSigner:
    signer: TokenSigner = request.app.state.signer
    return signer


def get_knowledge(request: Request) -> CompiledKnowledge:
    """The compiled knowledge base the application was built with."""
    knowledge: CompiledKnowledge = request.app.state.knowledge
    return knowledge


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
SignerDep = Annotated[TokenSigner, Depends(get_signer)]
KnowledgeDep = Annotated[CompiledKnowledge, Depends(get_knowledge)]
