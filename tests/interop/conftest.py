from __future__ import annotations

import warnings

import pytest
from fastapi import FastAPI

with warnings.catch_warnings():
    # Starlette asks for the httpx2 package instead of httpx (a UserWarning at import time);
    # the client works the same, and warnings stay errors everywhere else.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from nervemap.interop.cds_hooks import router as cds_router
from nervemap.interop.fhir_api import metadata_router
from nervemap.interop.fhir_api import router as fhir_router


@pytest.fixture(scope="module")
def client() -> TestClient:
    """A throwaway app with only the interop routers."""
    app = FastAPI()
    app.include_router(cds_router)
    app.include_router(fhir_router)
    app.include_router(metadata_router)
    return TestClient(app)
