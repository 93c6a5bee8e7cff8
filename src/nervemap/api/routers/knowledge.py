"""Read-only knowledge base: version, counts, findings, conditions, regions, sources."""

from __future__ import annotations

import json
from collections.abc import Sequence

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from nervemap.api.schemas import KnowledgeSummary
from nervemap.engine.compiled import CompiledKnowledge
from nervemap.knowledge.models import Condition, Finding, KnowledgeBase, Region, Source
from nervemap.server.auth import AnyRoleRead
from nervemap.server.deps import KnowledgeDep
from nervemap.server.problems import PROBLEM_RESPONSES

router = APIRouter(prefix="/v1/knowledge", tags=["knowledge"], responses=PROBLEM_RESPONSES)


def _listing(request: Request, kb: KnowledgeBase, kind: str) -> bytes:
    """The app's knowledge never changes while it runs: each list is serialised once per app (kept
    in the app's state, beside the knowledge it was built with)."""
    cache: dict[str, bytes] | None = getattr(request.app.state, "knowledge_listings", None)
    if cache is None:
        cache = request.app.state.knowledge_listings = {}
    if kind not in cache:
        lists: dict[str, Sequence[BaseModel]] = {
            "findings": kb.findings,
            "conditions": kb.conditions,
            "regions": kb.anatomy.regions,
            "sources": kb.sources,
        }
        cache[kind] = json.dumps([item.model_dump(mode="json") for item in lists[kind]]).encode()
    return cache[kind]


def _json(request: Request, knowledge: CompiledKnowledge, kind: str) -> Response:
    return Response(_listing(request, knowledge.knowledge, kind), media_type="application/json")


@router.get("")
def knowledge_summary(_: AnyRoleRead, knowledge: KnowledgeDep) -> KnowledgeSummary:
    kb = knowledge.knowledge
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
def knowledge_findings(request: Request, _: AnyRoleRead, knowledge: KnowledgeDep) -> Response:
    return _json(request, knowledge, "findings")


@router.get("/conditions", response_model=list[Condition])
def knowledge_conditions(request: Request, _: AnyRoleRead, knowledge: KnowledgeDep) -> Response:
    return _json(request, knowledge, "conditions")


@router.get("/regions", response_model=list[Region])
def knowledge_regions(request: Request, _: AnyRoleRead, knowledge: KnowledgeDep) -> Response:
    return _json(request, knowledge, "regions")


@router.get("/sources", response_model=list[Source])
def knowledge_sources(request: Request, _: AnyRoleRead, knowledge: KnowledgeDep) -> Response:
    return _json(request, knowledge, "sources")
