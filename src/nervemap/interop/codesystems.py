"""nervemap's own code systems as FHIR CodeSystem resources, built from the knowledge base and the
fixed vocabularies the interoperability layer writes, so that every nervemap code resolves."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fhir.resources.R4B.codesystem import CodeSystem

from nervemap.interop import imaging_items
from nervemap.interop import terminology as t
from nervemap.interop.items import QuestionSet, catalogue
from nervemap.knowledge.models import KnowledgeBase, Setting, Severity, SiteKind, TriageLevel
from nervemap.knowledge.vocabulary import ONSETS, SENSATION_STATUSES, SYMPTOM_KINDS

Concepts = list[tuple[str, str]]


def _words(code: str) -> str:
    return code.replace("-", " ").replace("_", " ").capitalize()


def _fixed(codes: tuple[str, ...] | list[str]) -> Callable[[KnowledgeBase], Concepts]:
    return lambda _kb: [(code, _words(code)) for code in codes]


def _items(kb: KnowledgeBase) -> Concepts:
    stems = {spec.stem: spec.text for spec in catalogue(kb, QuestionSet.ALL)}
    return sorted(stems.items())


# id -> (system URL, title, concepts)
SYSTEMS: dict[str, tuple[str, str, Callable[[KnowledgeBase], Concepts]]] = {
    "finding": (t.FINDING, "nervemap findings", lambda kb: [(f.id, f.clinician) for f in kb.findings]),
    "condition": (t.CONDITION, "nervemap conditions", lambda kb: [(c.id, c.name) for c in kb.conditions]),
    "red-flag": (
        t.RED_FLAG,
        "nervemap red flags",
        lambda kb: [(flag.id, flag.name) for flag in kb.triage.red_flags],
    ),
    "source": (t.SOURCE, "nervemap bibliography", lambda kb: [(s.id, s.title) for s in kb.sources]),
    "item": (t.ITEM, "nervemap questionnaire items (linkId stems)", _items),
    "lesion-site": (t.SITE, "nervemap lesion-site kinds", _fixed([kind.value for kind in SiteKind])),
    "triage-level": (t.TRIAGE, "nervemap triage levels", _fixed([level.value for level in TriageLevel])),
    "severity": (t.SEVERITY, "nervemap severity grades", _fixed([grade.value for grade in Severity])),
    "score": (
        t.SCORE,
        "nervemap derived outputs",
        lambda _kb: [
            ("triage-level", "Triage level"),
            ("severity-grade", "Severity grade"),
            ("p-spinal", "Probability that the leg pain comes from the lumbar spine"),
        ],
    ),
    "sensation": (
        t.SENSATION,
        "nervemap sensation results",
        _fixed(SENSATION_STATUSES),
    ),
    "symptom-kind": (t.SYMPTOM_KIND, "nervemap symptom kinds", _fixed(SYMPTOM_KINDS)),
    "onset": (t.ONSET, "nervemap onset", _fixed(ONSETS)),
    "setting": (t.SETTING, "nervemap care settings", _fixed([setting.value for setting in Setting])),
    "imaging-kind": (t.IMAGING_KIND, "nervemap imaging lesion kinds", _fixed(imaging_items.KINDS)),
    "disc-level": (
        t.DISC_LEVEL,
        "nervemap lumbar disc levels",
        lambda _kb: [(c, c) for c in imaging_items.LEVELS],
    ),
    "herniation-zone": (t.HERNIATION_ZONE, "nervemap herniation zones", _fixed(imaging_items.ZONES)),
    "override-reason": (
        f"{t.BASE}/CodeSystem/override-reason",
        "nervemap CDS card override reasons",
        lambda _kb: [
            ("red-flag-not-recorded", "A red flag is present but not recorded"),
            ("changes-management", "Specialist setting: the result will change management"),
        ],
    ),
}


def code_system(system_id: str, kb: KnowledgeBase) -> dict[str, Any] | None:
    """The CodeSystem (R4B, complete, validated), or None for an unknown id."""
    entry = SYSTEMS.get(system_id)
    if entry is None:
        return None
    url, title, concepts = entry
    listed = concepts(kb)
    resource = {
        "resourceType": "CodeSystem",
        "id": system_id,
        "url": url,
        "version": kb.version,
        "name": "Nervemap" + "".join(part.capitalize() for part in system_id.split("-")),
        "title": title,
        "status": "active",
        "publisher": "nervemap",
        "caseSensitive": True,
        "content": "complete",
        "count": len(listed),
        "concept": [{"code": code, "display": display} for code, display in listed],
    }
    return CodeSystem.model_validate(resource).model_dump(mode="json", exclude_none=True)
