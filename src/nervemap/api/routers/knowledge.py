"""Read-only knowledge base: version, counts, findings, conditions, regions, sources."""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence

from fastapi import APIRouter, Response
from pydantic import BaseModel

from nervemap.api.schemas import KnowledgeSummary
from nervemap.knowledge.loader import default_knowledge
from nervemap.knowledge.models import Condition, Finding, KnowledgeBase, Region, Source
from nervemap.server.auth import AnyRoleRead
from nervemap.server.problems import PROBLEM_RESPONSES

router = APIRouter(prefix="/v1/knowledge", tags=["knowledge"], responses=PROBLEM_RESPONSES)


def _kb() -> KnowledgeBase:
    return default_knowledge().knowledge


@functools.cache
def _listing(kind: str) -> bytes:
    """The knowledge never changes in a running process: serialise each list once."""
    kb = _kb()
    lists: dict[str, Sequence[BaseModel]] = {
        "findings": kb.findings,
        "conditions": kb.conditions,
        "regions": kb.anatomy.regions,
        "sources": kb.sources,
    }
    items = lists[kind]
    return json.dumps([item.model_dump(mode="json") for item in items]).encode()


def _json(kind: str) -> Response:
    return Response(_listing(kind), media_type="application/json")


@router.get("")
def knowledge_summary(_: AnyRoleRead) -> KnowledgeSummary:
    kb = _kb()
    counts = {
        "findings": len(kb.findings),
        "conditions": len(kb.conditions),
        "regions": len(kb.anatomy.regions),
        "roots": len(kb.anatomy.roots),
        "nerves": len(kb.anatomy.nerves),
        "sources": len(kb.sources),
        "plans": len(kb.plans),
        "red_flag_rules": len(kb.triage.red_flags),
    }
    return KnowledgeSummary(version=kb.version, counts=counts)


@router.get("/findings", response_model=list[Finding])
def knowledge_findings(_: AnyRoleRead) -> Response:
    return _json("findings")


@router.get("/conditions", response_model=list[Condition])
def knowledge_conditions(_: AnyRoleRead) -> Response:
    return _json("conditions")


@router.get("/regions", response_model=list[Region])
def knowledge_regions(_: AnyRoleRead) -> Response:
    return _json("regions")


@router.get("/sources", response_model=list[Source])
def knowledge_sources(_: AnyRoleRead) -> Response:
    return _json("sources")
