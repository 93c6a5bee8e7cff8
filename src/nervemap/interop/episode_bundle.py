"""A follow-up episode -> FHIR R4B Bundle (type collection).

The Bundle renders the course as nervemap read it (:class:`~nervemap.followup.models.CourseSummary`),
it does not re-derive it:

- an **EpisodeOfCare** for the leg-pain problem (active or finished, its period from the first
  check-in);
- per check-in an **Encounter** (``episodeOfCare`` links it to the episode: R4B Observations and
  QuestionnaireResponses have no episode element of their own), a **QuestionnaireResponse** with
  the course measures as answered or examined, and **Observations** derived from it: leg pain and
  back pain as LOINC 72514-3 (pain severity 0-10 verbal numeric rating) with the body site (SNOMED
  CT 61685007 lower limb structure, 37822005 lower back structure), the function score, the worst
  MRC grade per movement and side (nervemap ``item`` code ``strength.<movement>`` and the side as a
  SNOMED CT laterality in bodySite, the form ``from_bundle`` reads back) and the check-in's triage
  level with its red flags;
- per follow-up rule that fired a **DetectedIssue**: the rule as its code, the clinician text as
  its detail, the guideline as its ``reference`` (the authority for the issue), the check-in it
  fired at as the implicated encounter, that check-in's triage Observation as its evidence; and one
  Observation of the episode's triage (focus: the EpisodeOfCare) saying whether a clinician needs to
  review it, derived from the triage Observations of the check-ins where a rule fired.

Each resource carries a generated narrative and the Bundle is validated by the R4B models.
"""

from __future__ import annotations

import html
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Literal

from fhir.resources.R4B.bundle import Bundle

from nervemap.followup.models import CheckinMeasures, CheckinSource, CourseSummary, Escalation
from nervemap.interop import terminology as t
from nervemap.interop.checkin_questionnaire import (
    CHECKIN_QUESTIONNAIRE,
    PAIN_ITEMS,
    RED_FLAGS,
    function_text,
    strength_link,
)
from nervemap.interop.to_bundle import XHTML, source_url
from nervemap.knowledge import default_knowledge
from nervemap.knowledge.models import KnowledgeBase, TriageLevel

Resource = dict[str, Any]
EpisodeStatus = Literal["planned", "waitlist", "active", "onhold", "finished", "cancelled"]

EPISODE_TYPE = (f"{t.BASE}/CodeSystem/episode-type", "leg-pain-followup", "Leg-pain follow-up")
FOLLOWUP_RULE = f"{t.BASE}/CodeSystem/followup-rule"  # code = follow-up rule id
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
# A patient's check-in through the link is a virtual encounter; a clinician's is ambulatory.
ENCOUNTER_CLASS = {"patient": (ACT_CODE, "VR", "virtual"), "clinician": (ACT_CODE, "AMB", "ambulatory")}
SEVERITY = {TriageLevel.EMERGENCY: "high", TriageLevel.URGENT: "high", TriageLevel.SOON: "moderate"}
SCORE_UNIT = {"unit": "{score}", "system": t.UCUM, "code": "{score}"}
FUNCTION_LABEL = {
    "psfs": "Patient-Specific Functional Scale (0-10)",
    "odi": "Oswestry Disability Index (%)",
    "rmdq": "Roland-Morris Disability Questionnaire (0-24)",
}


def _ref(full_url: str, display: str | None = None) -> dict[str, Any]:
    reference: dict[str, Any] = {"reference": full_url}
    if display:
        reference["display"] = display
    return reference


def _stamp(moment: datetime) -> str:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat(timespec="seconds")


def _category(code: str) -> list[dict[str, Any]]:
    return [{"coding": [t.coding(OBSERVATION_CATEGORY, code)]}]


def _side_site(side: str) -> list[dict[str, Any]]:
    if side in t.LATERALITY:
        return [{"coding": [t.triple(t.LATERALITY[side])], "text": side}]
    return []


class _Writer:
    def __init__(
        self,
        kb: KnowledgeBase,
        subject: dict[str, Any],
        make_url: Callable[[], str],
        movement_names: dict[str, str],
    ) -> None:
        self.kb = kb
        self.subject = subject
        self.make_url = make_url
        self.names = movement_names
        self.entries: list[dict[str, Any]] = []

    def add(self, resource: Resource) -> str:
        full_url = self.make_url()
        self.entries.append({"fullUrl": full_url, "resource": resource})
        return full_url

    def movement(self, key: str) -> tuple[str, str, str]:
        movement, _, side = key.partition(":")
        name = self.names.get(movement, movement.replace("_", " "))
        return movement, side, name if side in ("", "unsided") else f"{name}, {side}"

    # ------------------------------------------------------------------ one check-in

    def checkin(
        self, number: int, measures: CheckinMeasures, source: CheckinSource, episode_url: str
    ) -> tuple[str, str]:
        """Write one check-in; the fullUrls of its Encounter and of its triage Observation."""
        when = _stamp(measures.at)
        label = f"Check-in {number} (week {measures.weeks_since_start:.1f})"
        encounter = self.add(
            {
                "resourceType": "Encounter",
                "status": "finished",
                "class": t.coding(*ENCOUNTER_CLASS[source]),
                "type": [{"text": f"Leg-pain follow-up check-in ({source})"}],
                "subject": self.subject,
                "episodeOfCare": [_ref(episode_url)],
                "period": {"start": when, "end": when},
            }
        )
        response = self.add(self.questionnaire_response(measures, encounter, when, source))
        common = {"subject": self.subject, "encounter": _ref(encounter, label), "effectiveDateTime": when}
        derived = {"derivedFrom": [_ref(response)]}
        for key, site, site_text in (
            ("leg_pain", t.LOWER_LIMB, "leg"),
            ("back_pain", t.LOWER_BACK, "lower back"),
        ):
            value = getattr(measures, key)
            if value is None:
                continue
            self.add(
                {
                    "resourceType": "Observation",
                    "status": "final",
                    "category": _category("survey"),
                    "code": {
                        "coding": [t.triple(t.PAIN_NRS)],
                        "text": f"{site_text.capitalize()} pain (0-10)",
                    },
                    **common,
                    "valueQuantity": {"value": value, **SCORE_UNIT},
                    "bodySite": {"coding": [t.triple(site)], "text": site_text},
                    **derived,
                }
            )
        if measures.function is not None:
            measure = measures.function_measure or "function"
            self.add(
                {
                    "resourceType": "Observation",
                    "status": "final",
                    "category": _category("survey"),
                    "code": {
                        "coding": [t.coding(t.ITEM, f"score.{measure}")],
                        "text": FUNCTION_LABEL.get(measure, f"Function ({measure})"),
                    },
                    **common,
                    "valueQuantity": {"value": measures.function, **SCORE_UNIT},
                    **derived,
                }
            )
        for key, grade in sorted(measures.worst_mrc.items()):
            movement, side, name = self.movement(key)
            resource: Resource = {
                "resourceType": "Observation",
                "status": "final",
                "category": _category("exam"),
                "code": {"coding": [t.coding(t.ITEM, f"strength.{movement}")], "text": f"MRC power: {name}"},
                **common,
                "valueInteger": grade,
                **derived,
            }
            sites = _side_site(side)
            if sites:
                resource["bodySite"] = sites[0]
            self.add(resource)
        triage = self.add(
            {
                "resourceType": "Observation",
                "status": "final",
                "code": {
                    "coding": [t.coding(t.SCORE, "triage-level", "Triage level")],
                    "text": "Triage level",
                },
                **common,
                "valueCodeableConcept": {
                    "coding": [t.coding(t.TRIAGE, measures.triage_level.value)],
                    "text": measures.triage_level.value,
                },
                **(
                    {
                        "component": [
                            {
                                "code": {
                                    "coding": [t.coding(t.FINDING, flag)],
                                    "text": self.finding_name(flag),
                                },
                                "valueCodeableConcept": {"coding": [t.triple(t.PRESENT)]},
                            }
                            for flag in measures.red_flags
                        ]
                    }
                    if measures.red_flags
                    else {}
                ),
                **derived,
            }
        )
        return encounter, triage

    def finding_name(self, finding_id: str) -> str:
        finding = next((f for f in self.kb.findings if f.id == finding_id), None)
        return finding.clinician if finding is not None else finding_id

    def questionnaire_response(
        self, measures: CheckinMeasures, encounter: str, when: str, source: CheckinSource
    ) -> Resource:
        items: list[dict[str, Any]] = []
        for key, link_id, text in PAIN_ITEMS:
            value = getattr(measures, key)
            if value is not None:
                items.append({"linkId": link_id, "text": text, "answer": [{"valueDecimal": value}]})
        if measures.function is not None:
            measure = measures.function_measure or "function"
            items.append(
                {
                    "linkId": f"score.{measure}",
                    "text": function_text(measure),
                    "answer": [{"valueDecimal": measures.function}],
                }
            )
        for key, grade in sorted(measures.worst_mrc.items()):
            movement, side, name = self.movement(key)
            items.append(
                {
                    "linkId": strength_link(movement, side),
                    "text": f"MRC power (0-5): {name}",
                    "answer": [{"valueInteger": grade}],
                }
            )
        if measures.red_flags:
            items.append(
                {
                    "linkId": RED_FLAGS,
                    "text": "Red-flag findings present",
                    "answer": [
                        {"valueCoding": t.coding(t.FINDING, flag, self.finding_name(flag))}
                        for flag in measures.red_flags
                    ],
                }
            )
        resource: Resource = {
            "resourceType": "QuestionnaireResponse",
            "questionnaire": CHECKIN_QUESTIONNAIRE,
            "status": "completed",
            "subject": self.subject,
            "encounter": _ref(encounter),
            "authored": when,
            "source": self.subject if source == "patient" else None,
            "item": items,
        }
        return {key: value for key, value in resource.items() if value not in (None, [])}

    # ------------------------------------------------------------------ the episode

    def escalation(self, escalation: Escalation, encounter: str, triage: str, when: str) -> str:
        source = next(iter(escalation.source_ids), None)
        resource: Resource = {
            "resourceType": "DetectedIssue",
            "status": "final",
            "code": {
                "coding": [t.coding(FOLLOWUP_RULE, escalation.rule_id)],
                "text": f"Follow-up rule {escalation.rule_id}: {escalation.triage_level.value}",
            },
            "severity": SEVERITY.get(escalation.triage_level, "low"),
            "patient": self.subject,
            "identifiedDateTime": when,
            "implicated": [_ref(encounter, "the check-in that fired the rule")],
            "evidence": [{"detail": [_ref(triage, "the check-in's triage")]}],
            "detail": escalation.clinician_text
            + (f" Sources: {', '.join(escalation.source_ids)}." if escalation.source_ids else ""),
        }
        if source is not None and source != "expert-estimate":
            resource["reference"] = source_url(self.kb, source)
        if escalation.plan_step_id:
            resource["mitigation"] = [
                {"action": {"coding": [t.coding(f"{t.BASE}/CodeSystem/plan-step", escalation.plan_step_id)]}}
            ]
        return self.add(resource)


def _lines(resource: Resource) -> list[str]:
    kind = resource["resourceType"]
    if kind == "EpisodeOfCare":
        return [f"{resource['type'][0]['text']}: {resource['status']} since {resource['period']['start']}"]
    if kind == "Encounter":
        return [f"{resource['type'][0]['text']}, {resource['period']['start']}"]
    if kind == "QuestionnaireResponse":
        return [
            f"{item['text']}: "
            + ", ".join(
                str(a.get("valueDecimal", a.get("valueInteger", a.get("valueCoding", {}).get("display", ""))))
                for a in item["answer"]
            )
            for item in resource.get("item", [])
        ] or ["No answers"]
    if kind == "Observation":
        if "valueQuantity" in resource:
            value = f"{resource['valueQuantity']['value']:g}"
        elif "valueInteger" in resource:
            value = str(resource["valueInteger"])
        else:
            value = str(resource["valueCodeableConcept"]["text"])
        notes = [note["text"] for note in resource.get("note", [])]
        return [f"{resource['code']['text']}: {value}", *notes]
    if kind == "DetectedIssue":
        return [
            resource["code"]["text"],
            resource["detail"],
            *([resource["reference"]] if "reference" in resource else []),
        ]
    return [kind]


def _narrative(resource: Resource) -> dict[str, Any]:
    body = "".join(f"<p>{html.escape(line)}</p>" for line in _lines(resource))
    return {"status": "generated", "div": f'<div xmlns="{XHTML}">{body}</div>'}


def episode_to_bundle(
    course: CourseSummary,
    *,
    sources: Sequence[CheckinSource] | None = None,
    status: EpisodeStatus = "active",
    subject: dict[str, Any] | None = None,
    episode_id: str | None = None,
    knowledge: KnowledgeBase | None = None,
    issued: datetime | None = None,
    make_id: Callable[[], str] | None = None,
    escalations: Sequence[Escalation] | None = None,
) -> Bundle:
    """Render a course as a collection Bundle. ``sources`` says who made each check-in (patient or
    clinician; default clinician), in the order of ``course.measures``; ``escalations`` are those of
    every check-in (default: the course's, which are the latest check-in's), each a DetectedIssue on
    the encounter of its check-in."""
    if not course.measures:
        raise ValueError("an episode bundle needs at least one check-in")
    if sources is not None and len(sources) != len(course.measures):
        raise ValueError("sources must name one source per check-in")
    kb = knowledge or default_knowledge().knowledge
    new_id = make_id or (lambda: str(uuid.uuid4()))
    who = subject or {"display": "unidentified patient"}
    names = {m.id: m.name for m in kb.anatomy.movements}
    writer = _Writer(kb, who, lambda: f"urn:uuid:{new_id()}", names)
    first, latest = course.measures[0], course.measures[-1]
    period: dict[str, str] = {"start": _stamp(first.at)}
    if status in ("finished", "cancelled"):
        period["end"] = _stamp(latest.at)
    episode: Resource = {
        "resourceType": "EpisodeOfCare",
        "status": status,
        "type": [{"coding": [t.triple(EPISODE_TYPE)], "text": EPISODE_TYPE[2]}],
        "patient": who,
        "period": period,
    }
    if episode_id:
        episode["identifier"] = [{"system": f"{t.BASE}/episode", "value": episode_id}]
    episode_url = writer.add(episode)
    checkins = [
        writer.checkin(number, m, (sources[number - 1] if sources else "clinician"), episode_url)
        for number, m in enumerate(course.measures, start=1)
    ]
    latest_when = _stamp(latest.at)
    moments = [m.at for m in course.measures]
    fired: list[str] = []  # the triage Observations of the check-ins where a rule fired
    for item in course.escalations if escalations is None else escalations:
        # the check-in the rule fired at (the latest when the escalation does not say)
        index = moments.index(item.at) if item.at in moments else len(moments) - 1
        encounter, triage = checkins[index]
        writer.escalation(item, encounter, triage, _stamp(moments[index]))
        if triage not in fired:
            fired.append(triage)
    review = (
        "a clinician needs to review this episode" if course.needs_clinician_review else "no review pending"
    )
    writer.add(
        {
            "resourceType": "Observation",
            "status": "final",
            "code": {
                "coding": [t.coding(t.SCORE, "episode-triage-level", "Episode triage level")],
                "text": "Episode triage level",
            },
            "subject": who,
            "focus": [_ref(episode_url, EPISODE_TYPE[2])],
            "effectiveDateTime": latest_when,
            "valueCodeableConcept": {
                "coding": [t.coding(t.TRIAGE, course.triage_level.value)],
                "text": course.triage_level.value,
            },
            "note": [{"text": f"Course {course.overall}; {review}."}],
            # derivedFrom allows Observations, not the DetectedIssues (R4): the escalated check-ins'
            # triage, each the evidence of its DetectedIssue
            **({"derivedFrom": [_ref(url) for url in fired]} if fired else {}),
        }
    )
    for entry in writer.entries:
        entry["resource"]["text"] = _narrative(entry["resource"])
    stamp = _stamp(issued or datetime.now(UTC))
    return Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "id": new_id(),
            "type": "collection",
            "timestamp": stamp,
            "entry": writer.entries,
        }
    )
