"""The patient's view of an assessment: plain language only, no identifiers, no clinician detail.

One source of truth: the headline, the likely source and the possible causes all come from the
same ranked assessment. The headline names the leading cause of the differential; the likely
source (a nerve root, a nerve, or no nerve) is shown only when that leading cause can arise
there, so the two can never contradict; how sure we are is said in words, with the cut-offs of
``thresholds.yaml`` (patient_wording).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from nervemap.engine.assessment import Assessment, Localisation
from nervemap.engine.compiled import CompiledKnowledge, default_compiled, held
from nervemap.interview.catalogue import catalogue_for
from nervemap.knowledge.loader import thresholds_of
from nervemap.knowledge.models import PatientWording


class LikelyCause(BaseModel):
    name: str
    likelihood: Literal["most likely", "possible", "less likely"]


class PatientView(BaseModel):
    """What a patient sees: plain language, no clinician detail, no identifiers."""

    urgency: str
    advice: str
    headline: str = Field(description="The leading cause in words, or that questions alone cannot tell")
    certainty: str = Field(description="How sure the headline is, in words")
    likely_source: str | None = Field(
        default=None, description="Where it comes from, only when the leading cause can arise there"
    )
    likely_causes: list[LikelyCause]
    severity: str = Field(description='How severe, in words; "not assessed" when nothing measured it')
    enough_information: bool
    assessed_at: datetime
    disclaimer: str


URGENCY = {
    "emergency": "This needs emergency care now.",
    "urgent": "This needs to be seen by a doctor urgently, today.",
    "soon": "This should be seen by a doctor soon, within days.",
    "routine": "This can be seen by a doctor at a routine appointment.",
    "self-care": "This can usually be looked after at home to start with.",
}
MAX_CAUSES = 3
CANNOT_TELL = "We can't tell the cause from questions alone."


def _wording(knowledge: CompiledKnowledge) -> PatientWording:
    """Probability cut-offs of the patient's words (thresholds.yaml, patient_wording)."""
    return thresholds_of(knowledge.knowledge).patient_wording


def _likelihood(probability: float, wording: PatientWording) -> Any:
    if probability >= wording.likely_from.value:
        return "most likely"
    return "possible" if probability >= wording.possible_from.value else "less likely"


# ------------------------------------------------------------------ where it comes from


def _special_sites(knowledge: CompiledKnowledge) -> dict[str, str]:
    """Knowledge-base site id per kind of special lesion site ('plexus' -> 'site:lumbosacral_plexus')."""
    return held(
        knowledge,
        "plain_special_sites",
        lambda c: {h.kind.value: h.site for h in c.hypotheses if h.site.startswith("site:")},
    )


def site_key(place: Localisation, knowledge: CompiledKnowledge | None = None) -> str:
    """The knowledge base's site id of a localisation, without side ("root:L5")."""
    if place.site_id:
        return place.site_id
    # assessments stored before localisations carried their site id
    if place.root:
        return f"root:{place.root}"
    if place.nerve:
        return f"nerve:{place.nerve}"
    special = _special_sites(knowledge or default_compiled())
    return special.get(place.site.value, "site:" + place.site.value.replace("-", "_"))


def plain_place(place: Localisation, knowledge: CompiledKnowledge | None = None) -> str:
    """The catalogue's plain wording for a lesion site, with the side (the catalogue of
    ``knowledge``, the app's compiled knowledge base; the bundled one when not given)."""
    compiled = knowledge or default_compiled()
    wording = catalogue_for(compiled).sites.get(site_key(place, compiled))
    text = wording.patient if wording else place.name
    if place.side in ("left", "right"):
        text += f", on the {place.side} side"
    elif place.side == "bilateral":
        text += ", on both sides"
    return text


def _condition_sites(knowledge: CompiledKnowledge) -> dict[str, frozenset[str]]:
    """The lesion sites each condition can arise at (its sites with a share above zero)."""
    return held(
        knowledge,
        "plain_condition_sites",
        lambda c: {x.id: frozenset(s.site for s in x.sites if s.p.value > 0) for x in c.knowledge.conditions},
    )


def fits(condition_id: str, place: Localisation, knowledge: CompiledKnowledge | None = None) -> bool:
    """Can this condition arise at this lesion site?"""
    compiled = knowledge or default_compiled()
    return site_key(place, compiled) in _condition_sites(compiled).get(condition_id, frozenset())


# ------------------------------------------------------------------ one summary


@dataclass(frozen=True)
class Summary:
    """What the patient is told about the cause, all from one ranked assessment."""

    headline: str
    certainty: str
    causes: list[LikelyCause]
    place: Localisation | None  # shown only when the leading cause can arise there
    source: str | None  # plain words for ``place``


def summarise(assessment: Assessment, knowledge: CompiledKnowledge | None = None) -> Summary:
    """``knowledge``: the compiled knowledge base the assessment was made with (its wording cut-offs
    and question catalogue); the bundled one when not given."""
    compiled = knowledge or default_compiled()
    wording = _wording(compiled)
    causes = [
        LikelyCause(name=entry.patient_name, likelihood=_likelihood(entry.probability, wording))
        for entry in assessment.differential[:MAX_CAUSES]
        if entry.probability >= wording.shown_from.value
    ]
    top = assessment.differential[0] if assessment.differential else None
    name = top.patient_name if top else ""
    if top is None or not assessment.enough_information:
        headline = CANNOT_TELL
        certainty = (
            "Your answers fit more than one cause, and some important questions are still open. "
            "A clinician needs to ask more and examine you to tell."
        )
    elif top.probability >= wording.likely_from.value:
        headline = f"Most likely: {name}."
        certainty = (
            "From your answers this is more likely than all the other causes together. "
            "A clinician should check it."
        )
    elif top.probability >= wording.possible_from.value:
        headline = f"Possibly: {name}."
        certainty = (
            "We can't be sure from questions alone: your answers fit more than one cause. "
            "This one fits best. A clinician can tell more by examining you."
        )
    else:
        headline = CANNOT_TELL
        certainty = (
            "Your answers fit several causes about equally. A clinician can tell more by examining you."
        )
    place = assessment.localization[0] if assessment.localization else None
    if top is None or place is None or headline == CANNOT_TELL or not fits(top.id, place, compiled):
        place = None
    source = None
    if place is not None:
        how = "most likely" if place.probability >= wording.likely_from.value else "possibly"
        if site_key(place, compiled) == "site:none":
            side = f", on the {place.side} side" if place.side in ("left", "right") else ""
            source = (
                f"Where it comes from: {how} not a nerve, but a joint, muscle, bone or blood vessel{side}."
            )
        else:
            source = f"Where it comes from: {how} {plain_place(place, compiled)}."
    return Summary(headline, certainty, causes, place, source)


SEVERITY_WORDS = {
    "mild": "Your answers suggest the symptoms are mild",
    "moderate": "Your answers suggest the symptoms are moderate",
    "severe": "Your answers suggest the symptoms are severe",
}
NOT_ASSESSED = (
    "How severe it is: not assessed. We did not have a pain score, a strength test or a measure of "
    "what you can still do, so we cannot say."
)


def severity_measured(assessment: Assessment) -> bool:
    """Did anything measure the severity? The engine grades a case with no pain score, weakness or
    disability score "mild" by default, and a long duration alone says nothing about how bad it is."""
    return any("by default" not in b and "chronic:" not in b for b in assessment.severity.basis)


def severity_words(assessment: Assessment) -> str:
    """The severity in words, or "not assessed" when nothing measured it."""
    severity = assessment.severity
    if not severity_measured(assessment):
        return NOT_ASSESSED
    text = SEVERITY_WORDS.get(severity.grade.value, severity.grade.value)
    if severity.pain_nrs is not None:
        text += f" (pain {severity.pain_nrs:g} out of 10)"
    return text + "."


def patient_view(
    output: Assessment | dict[str, Any], assessed_at: datetime, knowledge: CompiledKnowledge | None = None
) -> PatientView:
    """The patient's plain-language view of an assessment (already validated, or its stored JSON),
    worded with ``knowledge`` (the app's compiled knowledge base; the bundled one when not given)."""
    assessment = output if isinstance(output, Assessment) else Assessment.model_validate(output)
    summary = summarise(assessment, knowledge)
    level = assessment.triage.level.value
    return PatientView(
        urgency=URGENCY.get(level, level),
        advice=assessment.triage.patient_advice,
        headline=summary.headline,
        certainty=summary.certainty,
        likely_source=summary.source,
        likely_causes=summary.causes,
        severity=severity_words(assessment),
        enough_information=assessment.enough_information,
        assessed_at=assessed_at,
        disclaimer="This is computer support for your clinician, not a diagnosis. "
        "If you get worse, or notice new numbness, weakness, or bladder or bowel problems, get help at once.",
    )
