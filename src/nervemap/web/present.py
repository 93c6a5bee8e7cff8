"""Presentation helpers: plain words for patients, grouping of the plan, number formats.

Nothing here invents clinical content: every sentence shown about a case is a field of the
assessment (or of the knowledge base's plain wording); these helpers only choose and order them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from nervemap.api.plain import URGENCY
from nervemap.engine.assessment import Assessment, Localisation, PlanItem
from nervemap.interview.catalogue import default_catalogue
from nervemap.knowledge.models import TriageLevel

TRIAGE_RANK = {level.value: i for i, level in enumerate(reversed(list(TriageLevel)))}  # emergency 0
URGENCY_TITLE = {
    "emergency": "Emergency: get help now",
    "urgent": "Urgent: see a doctor today",
    "soon": "See a doctor within a few days",
    "routine": "Book a routine appointment",
    "self-care": "You can usually look after this at home",
}
SCIATICA_ROOTS = {"L4", "L5", "S1", "S2", "S3"}
# Plan kinds shown to patients, in order from the simplest to the most involved.
PATIENT_PLAN_GROUPS: tuple[tuple[str, str], ...] = (
    ("safety", "Keep yourself safe"),
    ("self-care", "What usually helps"),
    ("conservative", "Treatments often offered first"),
    ("medication", "Medicines your clinician may discuss"),
    ("injection", "If the pain stays severe"),
    ("surgery", "Rarely, an operation"),
    ("referral", "Who may need to see you"),
)
SEVERITY_WORDS = {
    "mild": "Your answers suggest the symptoms are mild.",
    "moderate": "Your answers suggest the symptoms are moderate.",
    "severe": "Your answers suggest the symptoms are severe.",
}


def percent(value: float) -> str:
    return f"{value * 100:.0f}%" if value >= 0.01 else "<1%"


def when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def urgency_class(level: str) -> str:
    return f"urgency-{level}"


def urgency_sentence(level: str) -> str:
    return URGENCY.get(level, level)


def site_key(place: Localisation) -> str:
    if place.root:
        return f"root:{place.root}"
    if place.nerve:
        return f"nerve:{place.nerve}"
    return "site:" + place.site.value.replace("-", "_")


def plain_place(place: Localisation) -> str:
    """The catalogue's plain wording for a lesion site, with the side."""
    wording = default_catalogue().sites.get(site_key(place))
    text = wording.patient if wording else place.name
    if place.side in ("left", "right"):
        text += f", on the {place.side} side"
    elif place.side == "bilateral":
        text += ", on both sides"
    return text


def is_sciatica(place: Localisation) -> bool:
    return (place.root in SCIATICA_ROOTS) or place.nerve == "sciatic"


@dataclass(frozen=True)
class PlanGroup:
    title: str
    items: list[PlanItem]


def patient_plan(assessment: Assessment) -> tuple[list[PlanGroup], list[PlanItem]]:
    """Plan steps grouped for patients (do / consider), and the steps that do not help (do-not)."""
    groups = []
    for kind, title in PATIENT_PLAN_GROUPS:
        items = [p for p in assessment.plan if p.kind == kind and p.recommendation != "do-not"]
        if items:
            groups.append(PlanGroup(title, items))
    avoid = [p for p in assessment.plan if p.recommendation == "do-not"]
    return groups, avoid


def top_place(assessment: Assessment) -> Localisation | None:
    return assessment.localization[0] if assessment.localization else None


def triage_rank(level: str) -> int:
    return TRIAGE_RANK.get(level, len(TRIAGE_RANK))
