"""The knowledge base: anatomy, findings, conditions, triage rules and plans, as cited data."""

from nervemap.knowledge.loader import (
    KnowledgeError,
    LoadedKnowledge,
    Problem,
    default_knowledge,
    load_knowledge,
    read_knowledge,
)
from nervemap.knowledge.models import KnowledgeBase

__all__ = [
    "KnowledgeBase",
    "KnowledgeError",
    "LoadedKnowledge",
    "Problem",
    "default_knowledge",
    "load_knowledge",
    "read_knowledge",
]
