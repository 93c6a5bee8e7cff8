"""Assessment -> FHIR R4B Bundle (type collection).

The Bundle renders the assessment record, it does not rewrite it: a ClinicalImpression (summary,
findings used with their basis, guideline sources as protocol, the disclaimer as a note), a
Condition per leading diagnosis (provisional for the first, differential for the others), a
RiskAssessment with every probability, and Observations for the triage level, the severity grade
and P(spinal source). Each resource is validated by its R4B model.
"""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import simple_icd_10_cm as icd
from fhir.resources.R4B.bundle import Bundle

from nervemap.engine.assessment import Assessment, DifferentialEntry, EvidenceSet, Localisation
from nervemap.interop import terminology as t
from nervemap.interop.items import finding_codes
from nervemap.knowledge import default_knowledge
from nervemap.knowledge.models import KnowledgeBase, SiteKind
from nervemap.knowledge.vocabulary import SIDES_OR_BOTH

LEADING = 3  # Conditions written for at most this many leading diagnoses...
MIN_CONDITION_PROBABILITY = 0.05  # ...each at least this likely (the first always)
EVIDENCE_SHOWN = 5
Resource = dict[str, Any]
PROBABILITY_SCALE = (
    "Probability scale: each probabilityDecimal is the posterior probability of that condition given "
    "the findings recorded, from 0 (excluded) to 1 (certain), not a percentage; only the leading "
    "conditions are listed, so the predictions need not sum to 1."
)


def _coded(system: str, code: str) -> dict[str, Any]:
    return {"valueCodeableConcept": {"coding": [t.coding(system, code)], "text": code}}


def _ref(full_url: str, display: str | None = None) -> dict[str, Any]:
    reference: dict[str, Any] = {"reference": full_url}
    if display:
        reference["display"] = display
    return reference


def source_url(kb: KnowledgeBase, source_id: str) -> str:
    source = next((s for s in kb.sources if s.id == source_id), None)
    if source is not None and source.url:
        return source.url
    if source is not None and source.doi:
        return f"https://doi.org/{source.doi}"
    return f"{t.SOURCE}/{source_id}"


def guideline_sources(kb: KnowledgeBase, assessment: Assessment) -> list[str]:
    """Ids of the guideline sources behind the plan and the red flags, in order of first use."""
    kinds = {s.id: s.kind for s in kb.sources}
    cited = [s for item in assessment.plan for s in item.sources]
    cited += [s for flag in assessment.triage.red_flags for s in flag.sources]
    return [s for s in dict.fromkeys(cited) if kinds.get(s) == "guideline"]


@lru_cache(maxsize=512)
def icd10_side(code: str) -> str | None:
    """The side an ICD-10-CM code names (right, left, bilateral), or None (unspecified or no side)."""
    description = icd.get_description(code) if icd.is_valid_item(code) else ""
    named = [side for side in reversed(SIDES_OR_BOTH) if re.search(rf"\b{side}\b", description, re.I)]
    return named[0] if named else None


def icd10_for(codes: list[str], side: str | None) -> str | None:
    """The one ICD-10-CM code for a condition: the first of the side localised, else the first that
    names no side (the unspecified-side code, or a code without laterality); None when every code
    names a side other than the one known (no code is better than the wrong side)."""
    if side is not None:
        chosen = next((code for code in codes if icd10_side(code) == side), None)
        if chosen is not None:
            return chosen
    return next((code for code in codes if icd10_side(code) is None), None)


def condition_concept(entry: DifferentialEntry, side: str | None = None) -> dict[str, Any]:
    """One ICD-10-CM coding (see ``icd10_for``), the SNOMED CT codes and nervemap's own code: alternative
    encodings of the one concept. The side itself goes in its own element (``laterality``)."""
    code = icd10_for(entry.icd10, side)
    codings = [t.coding(t.ICD10CM, code)] if code else []
    codings += [t.coding(t.SNOMED, code) for code in entry.snomed]
    codings.append(t.coding(t.CONDITION, entry.id, entry.name))
    return {"coding": codings, "text": entry.name}


def _compatible(kb: KnowledgeBase, condition_id: str, place: Localisation) -> bool:
    condition = next((c for c in kb.conditions if c.id == condition_id), None)
    if condition is None or place.site is SiteKind.NONE:
        return False
    sites = {weight.site for weight in condition.sites}
    if place.site is SiteKind.ROOT:
        return f"root:{place.root}" in sites
    if place.site is SiteKind.PERIPHERAL_NERVE:
        return f"nerve:{place.nerve}" in sites
    kinds = {f"site:{s.id}": s.kind for s in kb.anatomy.sites}
    return any(kinds.get(site) == place.site for site in sites)


def laterality(side: str) -> dict[str, Any]:
    """The side as its own element: an extension holding the SNOMED CT laterality qualifier."""
    code = t.LATERALITY[side]
    return {"url": t.LATERALITY_EXTENSION, "valueCodeableConcept": t.concept(t.triple(code), text=code[2])}


def body_site(place: Localisation) -> dict[str, Any]:
    """The lesion site (nervemap's code); its side, when known, in the laterality extension."""
    text = f"{place.name}" + (f", {place.side}" if place.side else "")
    concept: dict[str, Any] = {"text": f"{text} (nervemap localisation, p={place.probability:.2f})"}
    concept["coding"] = [t.coding(t.SITE, place.site.value, place.name)]
    if place.side:
        concept["extension"] = [laterality(place.side)]
    return concept


def condition_place(kb: KnowledgeBase, assessment: Assessment, condition_id: str) -> Localisation | None:
    """The leading localisation compatible with a condition (its side is the condition's side)."""
    return next((p for p in assessment.localization if _compatible(kb, condition_id, p)), None)


def condition_side(kb: KnowledgeBase, assessment: Assessment, condition_id: str) -> str | None:
    place = condition_place(kb, assessment, condition_id)
    return place.side if place is not None else None


def _evidence_lines(evidence: EvidenceSet) -> str:
    def line(label: str, items: list[Any]) -> str:
        shown = "; ".join(f"{e.label} ({e.weight:+.2f}, {e.source})" for e in items[:EVIDENCE_SHOWN])
        return f"{label}: {shown}" if shown else f"{label}: none"

    return f"{line('For', evidence.for_)}. {line('Against', evidence.against)}."


class _Writer:
    def __init__(
        self, kb: KnowledgeBase, assessment: Assessment, subject: dict[str, Any], issued: str
    ) -> None:
        self.kb = kb
        self.assessment = assessment
        self.subject = subject
        self.issued = issued
        self.findings = {f.id: f for f in kb.findings}
        self.entries: list[dict[str, Any]] = []

    def add(self, resource: Resource) -> str:
        full_url = f"urn:uuid:{uuid.uuid4()}"
        self.entries.append({"fullUrl": full_url, "resource": resource})
        return full_url

    def finding_concept(self, finding_id: str, label: str) -> dict[str, Any]:
        finding = self.findings.get(finding_id)
        if finding is None:  # an observation key from localisation, e.g. weakness:ankle_dorsiflexion:left
            return {"text": label}
        return {"coding": [t.coding(*code) for code in finding_codes(finding)], "text": label}

    def condition(self, entry: DifferentialEntry, rank: int) -> str:
        status = "provisional" if rank == 0 else "differential"
        resource: Resource = {
            "resourceType": "Condition",
            "clinicalStatus": {"coding": [t.coding(t.CONDITION_CLINICAL, "active")]},
            "verificationStatus": {"coding": [t.coding(t.CONDITION_VERIFICATION, status)]},
            "category": [{"coding": [t.coding(t.CONDITION_CATEGORY, "encounter-diagnosis")]}],
            "code": condition_concept(entry, condition_side(self.kb, self.assessment, entry.id)),
            "subject": self.subject,
            "recordedDate": self.issued,
            "note": [
                {
                    "text": f"nervemap probability {entry.probability:.3f} (rank {rank + 1}). "
                    + _evidence_lines(entry.evidence)
                }
            ],
        }
        place = condition_place(self.kb, self.assessment, entry.id)
        if place is not None:
            resource["bodySite"] = [body_site(place)]
        supporting = [self.finding_concept(e.finding, e.label) for e in entry.evidence.for_[:EVIDENCE_SHOWN]]
        if supporting:
            resource["evidence"] = [{"code": supporting}]
        return self.add(resource)

    def observation(self, code: str, display: str, value: dict[str, Any], note: str, **extra: Any) -> str:
        resource: Resource = {
            "resourceType": "Observation",
            "status": "final",
            "code": {"coding": [t.coding(t.SCORE, code, display)], "text": display},
            "subject": self.subject,
            "effectiveDateTime": self.issued,
            "issued": self.issued,
            **value,
            "note": [{"text": note}],
            **extra,
        }
        return self.add(resource)

    def derived_scores(self) -> list[str]:
        a = self.assessment
        flags = [
            {
                "code": {"coding": [t.coding(t.RED_FLAG, flag.id, flag.name)], "text": flag.name},
                "valueCodeableConcept": {"coding": [t.coding(t.TRIAGE, flag.level.value)]},
            }
            for flag in a.triage.red_flags
        ]
        triage = self.observation(
            "triage-level",
            "Triage level",
            _coded(t.TRIAGE, a.triage.level.value),
            a.triage.reason,
            **({"component": flags} if flags else {}),
        )
        severity = self.observation(
            "severity-grade",
            "Severity grade",
            _coded(t.SEVERITY, a.severity.grade.value),
            "; ".join(a.severity.basis) or "no basis recorded",
        )
        spinal = self.observation(
            "p-spinal",
            "Probability that the leg pain comes from the lumbar spine",
            {
                "valueQuantity": {
                    "value": a.source.p_spinal,
                    "unit": "1",
                    "system": t.UCUM,
                    "code": "1",
                }
            },
            f"verdict: {a.source.verdict}",
        )
        return [triage, severity, spinal]

    def risk(self, impression_url: str) -> str:
        a = self.assessment
        return self.add(
            {
                "resourceType": "RiskAssessment",
                "status": "final",
                "subject": self.subject,
                "occurrenceDateTime": self.issued,
                "method": {
                    "text": f"nervemap Bayesian differential, knowledge base {a.knowledge_version}. "
                    + PROBABILITY_SCALE
                },
                "basis": [_ref(impression_url, "nervemap clinical impression")],
                "prediction": [
                    {
                        "outcome": condition_concept(entry, condition_side(self.kb, a, entry.id)),
                        "probabilityDecimal": entry.probability,
                        "rationale": _evidence_lines(entry.evidence),
                    }
                    for entry in a.differential
                ],
                "note": [{"text": PROBABILITY_SCALE}, {"text": a.disclaimer}],
            }
        )


def summary(assessment: Assessment) -> str:
    a = assessment
    parts = []
    if a.differential:
        top = a.differential[0]
        parts.append(f"Leading: {top.name} (p={top.probability:.2f})")
    parts.append(f"Source: {a.source.verdict} (P(spinal)={a.source.p_spinal:.2f})")
    if a.localization and a.localization[0].site is not SiteKind.NONE:
        place = a.localization[0]
        parts.append(
            f"Localisation: {place.name}, {place.side or 'side not stated'} (p={place.probability:.2f})"
        )
    parts.append(f"Triage: {a.triage.level.value} - {a.triage.reason}")
    parts.append(f"Severity: {a.severity.grade.value}")
    return ". ".join(parts)


def _impression(writer: _Writer, problems: list[str], scores: list[str], notes: list[str]) -> Resource:
    a = writer.assessment
    findings = [
        {
            "itemCodeableConcept": writer.finding_concept(used.id, used.label),
            "basis": f"{used.status} ({used.origin})"
            + (f"; side: {', '.join(used.sides)}" if used.sides else ""),
        }
        for used in a.findings_used
    ]
    resource: Resource = {
        "resourceType": "ClinicalImpression",
        "status": "completed",
        "description": "nervemap assessment of leg pain that may come from the lumbar spine",
        "subject": writer.subject,
        "effectiveDateTime": writer.issued,
        "date": writer.issued,
        "summary": summary(a),
        "problem": [_ref(url) for url in problems],
        "protocol": [source_url(writer.kb, s) for s in guideline_sources(writer.kb, a)],
        "supportingInfo": [_ref(url) for url in scores],
        "note": [{"text": text} for text in [a.disclaimer, *a.notes, *notes]],
        "extension": [
            {"url": t.KNOWLEDGE_VERSION_EXTENSION, "valueString": a.knowledge_version},
            {"url": t.NERVEMAP_VERSION_EXTENSION, "valueString": a.nervemap_version},
        ],
    }
    if findings:
        resource["finding"] = findings
    if not a.enough_information:
        resource["note"].append({"text": "Too little information: the differential shows only base rates."})
    return {key: value for key, value in resource.items() if value != []}


XHTML = "http://www.w3.org/1999/xhtml"


def _value_text(resource: Resource) -> str:
    if "valueCodeableConcept" in resource:
        concept = resource["valueCodeableConcept"]
        return str(concept.get("text") or concept["coding"][0]["code"])
    if "valueQuantity" in resource:
        return f"{resource['valueQuantity']['value']:.2f}"
    return ""


def _narrative_lines(resource: Resource) -> list[str]:
    kind = resource["resourceType"]
    notes = [note["text"] for note in resource.get("note", [])]
    if kind == "ClinicalImpression":
        return [resource["summary"], *notes[:1]]
    if kind == "Condition":
        status = resource["verificationStatus"]["coding"][0]["code"]
        sites = [site["text"] for site in resource.get("bodySite", [])]
        return [f"{resource['code']['text']} ({status})", *sites, *notes]
    if kind == "Observation":
        return [f"{resource['code']['text']}: {_value_text(resource)}", *notes]
    if kind == "RiskAssessment":
        predictions = [
            f"{item['outcome']['text']}: {item['probabilityDecimal']:.3f}" for item in resource["prediction"]
        ]
        return [resource["method"]["text"], *predictions]
    return []


def narrative(resource: Resource) -> dict[str, Any]:
    """A generated narrative (dom-6) from the resource's own fields, HTML-escaped."""
    lines = _narrative_lines(resource) or [resource["resourceType"]]
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    return {"status": "generated", "div": f'<div xmlns="{XHTML}">{body}</div>'}


def assessment_to_bundle(
    assessment: Assessment,
    subject: dict[str, Any] | None = None,
    notes: list[str] | None = None,
    knowledge: KnowledgeBase | None = None,
    issued: datetime | None = None,
    make_id: Callable[[], str] | None = None,
) -> Bundle:
    """Render an assessment as a collection Bundle; ``notes`` (e.g. import warnings) join the impression."""
    kb = knowledge or default_knowledge().knowledge
    stamp = (issued or datetime.now(UTC)).isoformat(timespec="seconds")
    who = subject or {
        "display": f"nervemap case {assessment.case_id}" if assessment.case_id else "unidentified patient"
    }
    writer = _Writer(kb, assessment, who, stamp)
    leading = [
        entry
        for rank, entry in enumerate(assessment.differential[:LEADING])
        if rank == 0 or entry.probability >= MIN_CONDITION_PROBABILITY
    ]
    problems = [writer.condition(entry, rank) for rank, entry in enumerate(leading)]
    scores = writer.derived_scores()
    impression = _impression(writer, problems, scores, notes or [])
    impression_url = f"urn:uuid:{uuid.uuid4()}"
    risk_url = writer.risk(impression_url)
    impression["prognosisReference"] = [_ref(risk_url)]
    writer.entries.insert(0, {"fullUrl": impression_url, "resource": impression})
    for entry in writer.entries:
        entry["resource"]["text"] = narrative(entry["resource"])
    return Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "id": (make_id or (lambda: str(uuid.uuid4())))(),
            "type": "collection",
            "timestamp": stamp,
            "entry": writer.entries,
        }
    )
