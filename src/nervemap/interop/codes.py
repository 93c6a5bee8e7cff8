"""Which finding or item a code stands for: the index the Observation reader looks codes up in."""

from __future__ import annotations

from dataclasses import dataclass

from nervemap.engine.compiled import CompiledKnowledge, held
from nervemap.interop import terminology as t
from nervemap.interop.items import Kind, QuestionSet, catalogue
from nervemap.knowledge.models import KnowledgeBase

# kinds that need a side when the region, movement or reflex is lateral
SIDED = frozenset({Kind.STRENGTH, Kind.REFLEX, Kind.PAIN, Kind.SENSATION})


@dataclass(frozen=True)
class Target:
    kind: Kind
    target: str
    lateral: bool = False  # a lateral finding, or an item that exists once per side
    rank: int = 0  # lower wins when one code names several targets

    @property
    def name(self) -> str:
        return f"finding '{self.target}'" if self.kind is Kind.FINDING else f"item '{self.target}'"


@dataclass(frozen=True)
class CodeIndex:
    targets: dict[tuple[str, str], tuple[Target, ...]]

    def resolve(self, codes: list[tuple[str, str]]) -> tuple[Target | None, list[Target]]:
        """The best target for a list of codings, and any other equally good ones (ambiguity)."""
        found = sorted(
            {target for code in codes for target in self.targets.get(code, ())},
            key=lambda target: (target.rank, target.kind, target.target),
        )
        if not found:
            return None, []
        best = found[0]
        return best, [other for other in found[1:] if other.rank == best.rank and other != best]


def _add(index: dict[tuple[str, str], list[Target]], key: tuple[str, str], target: Target) -> None:
    bucket = index.setdefault(key, [])
    if target not in bucket:
        bucket.append(target)


def code_index(compiled: CompiledKnowledge) -> CodeIndex:
    """The index for a knowledge base, built once and kept on its compiled knowledge."""
    return held(compiled, "interop_code_index", lambda c: _build(c.knowledge))


def _build(kb: KnowledgeBase) -> CodeIndex:
    index: dict[tuple[str, str], list[Target]] = {}
    for finding in kb.findings:
        # a nervemap code is exact; a non-derived finding is preferred over one read off other input
        derived = 1 if finding.derive is not None else 0
        _add(index, (t.FINDING, finding.id), Target(Kind.FINDING, finding.id, finding.lateral, 0))
        for code in finding.codes.snomed:
            _add(index, (t.SNOMED, code), Target(Kind.FINDING, finding.id, finding.lateral, 1 + derived))
        for code in finding.codes.loinc:
            _add(index, (t.LOINC, code), Target(Kind.FINDING, finding.id, finding.lateral, 1 + derived))
    for spec in catalogue(kb, QuestionSet.ALL):
        if spec.kind in (Kind.FINDING, Kind.FINDING_SIDE):
            continue
        target = Target(spec.kind, spec.target or spec.stem, spec.side is not None, 0)
        for system, code, _ in spec.codes:
            _add(index, (system, code), target)
    return CodeIndex({key: tuple(value) for key, value in index.items()})
