from __future__ import annotations

import warnings

import pytest
from fastapi import FastAPI

with warnings.catch_warnings():
    # Starlette asks for the httpx2 package instead of httpx (a UserWarning at import time);
    # the client works the same, and warnings stay errors everywhere else.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.orm import Session

from nervemap.engine.compiled import default_compiled
from nervemap.interop.cds_hooks import router as cds_router
from nervemap.interop.fhir_api import metadata_router
from nervemap.interop.fhir_api import router as fhir_router
from nervemap.server.deps import get_session
from nervemap.store.db import make_engine, make_sessionmaker
from nervemap.store.models import Base


def with_empty_store(app: FastAPI, folder: Path) -> FastAPI:
    """Give a throwaway app an empty database of its own (CDS Hooks patient-view also looks for the
    patient's follow-up episodes: none here)."""
    engine = make_engine(f"sqlite:///{folder / 'nervemap.db'}")
    Base.metadata.create_all(engine)
    sessions = make_sessionmaker(engine)

    def _session() -> Iterator[Session]:
        with sessions() as session:
            yield session

    app.dependency_overrides[get_session] = _session
    return app


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    """A throwaway app with only the interop routers."""
    app = FastAPI()
    app.state.knowledge = default_compiled()  # what create_app keeps; the routers read it from there
    app.include_router(cds_router)
    app.include_router(fhir_router)
    app.include_router(metadata_router)
    return TestClient(with_empty_store(app, tmp_path_factory.mktemp("interop")))
