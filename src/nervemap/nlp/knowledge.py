"""What the text reader takes from a knowledge base, derived once per base and handed to every
reader through the draft (no reader looks up the packaged knowledge base by itself)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from nervemap.knowledge.models import KnowledgeBase, Quantity

T = TypeVar("T")


@dataclass(frozen=True)
class Anatomy:
    dermatomes: dict[str, tuple[str, ...]]
    leg_regions: tuple[str, ...]
    midline: frozenset[str]
    # a part of the leg named without its aspect ("thigh") -> the regions it stands for
    whole_parts: tuple[frozenset[str], ...] = ()


@dataclass(frozen=True, eq=False)
class TextKnowledge:
    """The facts of one knowledge base the readers use."""

    kb: KnowledgeBase
    anatomy: Anatomy
    history_findings: frozenset[str]  # category history: a historical mention still counts
    lateral_findings: frozenset[str]
    symptom_findings: frozenset[str]  # category symptom ("hypertension for 10 years" is not one)
    movements: tuple[str, ...]
    below_knee_regions: frozenset[str]  # regions of the leg, ankle and foot groups
    ranges: dict[str, Quantity]  # reference ranges by quantity id
    # red-flag findings (``red_flag: true``): a trailing denial of an unlabelled list leaves them asserted
    red_flags: frozenset[str] = frozenset()
    # symptom and history findings: a denial after them ("fever absent") is one, after a sign it is not
    told_findings: frozenset[str] = frozenset()
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)

    def memo(self, key: str, build: Callable[[], T]) -> T:
        """``build()`` once per knowledge base (patterns compiled from its data)."""
        if key not in self._memo:
            self._memo[key] = build()
        value: T = self._memo[key]
        return value


def _derive(kb: KnowledgeBase) -> TextKnowledge:
    regions = kb.anatomy.regions
    below = {"leg", "ankle", "foot"}
    return TextKnowledge(
        kb=kb,
        anatomy=Anatomy(
            dermatomes={str(root.id): tuple(root.dermatome) for root in kb.anatomy.roots},
            leg_regions=tuple(r.id for r in regions if r.lateral and r.id != "lower_back"),
            midline=frozenset(r.id for r in regions if not r.lateral),
            whole_parts=tuple(frozenset(part) for part in kb.localisation.vague_regions.values()),
        ),
        history_findings=frozenset(f.id for f in kb.findings if str(f.category.value) == "history"),
        lateral_findings=frozenset(f.id for f in kb.findings if f.lateral),
        symptom_findings=frozenset(f.id for f in kb.findings if f.category == "symptom"),
        movements=tuple(m.id for m in kb.anatomy.movements),
        below_knee_regions=frozenset(r.id for r in regions if str(r.group) in below),
        ranges={q.id: q for q in kb.reference_ranges},
        red_flags=frozenset(f.id for f in kb.findings if f.red_flag),
        told_findings=frozenset(f.id for f in kb.findings if str(f.category.value) in ("symptom", "history")),
    )


_recent: list[TextKnowledge] = []  # the last few bases used, newest last (held, compared by identity)
_lock = threading.Lock()


def text_knowledge(kb: KnowledgeBase | None = None) -> TextKnowledge:
    """The reader's view of ``kb`` (the packaged knowledge base when None)."""
    if kb is None:
        from nervemap.knowledge.loader import default_knowledge

        kb = default_knowledge().knowledge
    with _lock:
        for known in _recent:
            if known.kb is kb:
                return known
    derived = _derive(kb)
    with _lock:
        _recent.append(derived)
        del _recent[:-4]
    return derived
