"""CDS Hooks cards rendered from an assessment: every sentence comes from the assessment record or
the knowledge base (red-flag reasons, plan steps, sources), never written after the fact."""

from __future__ import annotations

import re
import uuid
from typing import Any

from nervemap.engine.assessment import Assessment, PlanItem
from nervemap.followup.models import CourseSummary, Escalation
from nervemap.interop import terminology as t
from nervemap.interop.imaging import ImagingOrder, service_request
from nervemap.interop.to_bundle import condition_concept, source_url
from nervemap.knowledge.models import TRIAGE_ORDER, KnowledgeBase, PlanOrder, SiteKind, TriageLevel

Card = dict[str, Any]
SUMMARY_MAX = 139
INDICATOR = {
    TriageLevel.EMERGENCY: "critical",
    TriageLevel.URGENT: "warning",
    TriageLevel.SOON: "warning",
    TriageLevel.ROUTINE: "info",
    TriageLevel.SELF_CARE: "info",
}
ALERTING = (TriageLevel.URGENT, TriageLevel.EMERGENCY)
NO_ROUTINE_IMAGING = "no_routine_imaging_nonspecialist"
OVERRIDE = f"{t.BASE}/CodeSystem/override-reason"
PRIORITY = {TriageLevel.EMERGENCY: "stat", TriageLevel.URGENT: "urgent"}


def short(text: str, limit: int = SUMMARY_MAX) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def card_source(kb: KnowledgeBase, source_id: str) -> dict[str, Any]:
    source = next((s for s in kb.sources if s.id == source_id), None)
    label = (
        source_id if source is None else f"{source.title} ({source.venue})" if source.venue else source.title
    )
    return {"label": short(label, 200), "url": source_url(kb, source_id)}


def _guideline(kb: KnowledgeBase, ids: list[str]) -> str | None:
    kinds = {s.id: s.kind for s in kb.sources}
    return next((s for s in ids if kinds.get(s) == "guideline"), ids[0] if ids else None)


def _source_for(kb: KnowledgeBase, assessment: Assessment) -> str:
    flagged = [s for flag in assessment.triage.red_flags for s in flag.sources]
    planned = [s for item in assessment.plan for s in item.sources]
    return _guideline(kb, flagged) or _guideline(kb, planned) or "nice-ng59-2016"


def evidence_markdown(assessment: Assessment) -> str:
    a = assessment
    reason = "" if a.triage.red_flags else f" — {a.triage.reason}"  # red flags give their own reasons
    lines = [f"**Triage: {a.triage.level.value}**{reason}", ""]
    if a.triage.suspected:
        named = "; ".join(f"{s.name} ({s.level.value})" for s in a.triage.suspected)
        lines += [f"**Suspected:** {named}", ""]
    if not a.fit.adequate:
        lines += [f"**Out of model:** {a.fit.reason}", ""]
    if a.triage.red_flags:
        lines.append("**Red flags**")
        lines += [
            f"- {flag.name}: {flag.reason} _({', '.join(flag.sources)})_" for flag in a.triage.red_flags
        ]
        lines.append("")
    lines += ["**Leading conditions**", "", "| Condition | ICD-10-CM | Probability |", "|---|---|---|"]
    lines += [f"| {d.name} | {', '.join(d.icd10)} | {d.probability:.2f} |" for d in a.differential[:3]]
    lines.append("")
    if a.differential:
        top = a.differential[0]
        support = "; ".join(f"{e.label} ({e.weight:+.2f}, {e.source})" for e in top.evidence.for_[:4])
        against = "; ".join(f"{e.label} ({e.weight:+.2f}, {e.source})" for e in top.evidence.against[:3])
        lines.append(f"**Evidence for {top.name}:** {support or 'none'}")
        if against:
            lines.append(f"**Against:** {against}")
        lines.append("")
    place = a.localization[0] if a.localization else None
    if place is not None and place.site is not SiteKind.NONE:
        side = f", {place.side or 'side not stated'}"
        possibly = f", possibly {', '.join(place.possibly)}" if place.possibly else ""
        lines.append(f"**Localisation:** {place.name}{side}{possibly} (p={place.probability:.2f})")
    if a.imaging_concordance.status != "no imaging":
        lines.append(f"**Imaging {a.imaging_concordance.status}:** {a.imaging_concordance.note}")
    lines.append(f"**Source of pain:** {a.source.verdict} (P(spinal)={a.source.p_spinal:.2f})")
    lines += ["", f"_{a.disclaimer} Knowledge base {a.knowledge_version}._"]
    return "\n".join(lines)


def _summary(assessment: Assessment) -> str:
    a = assessment
    level = a.triage.level.value.upper()
    if a.triage.red_flags:
        return short(f"{level}: {a.triage.red_flags[0].name}")
    top = a.differential[0] if a.differential else None
    likely = f"{top.name} most likely (p={top.probability:.2f})" if top else "no leading condition"
    return short(f"nervemap {a.triage.level.value}: {likely}")


def _orders(kb: KnowledgeBase) -> dict[str, PlanOrder]:
    """Plan steps that call for spine MRI, and the study to suggest for each (plans/*.yaml order)."""
    return {step.id: step.order for step in kb.plans if step.order is not None}


def _mri_steps(kb: KnowledgeBase, assessment: Assessment) -> list[PlanItem]:
    orders = _orders(kb)
    return [item for item in assessment.plan if item.id in orders and item.recommendation == "do"]


def _suggestions(
    kb: KnowledgeBase, assessment: Assessment, patient_id: str, ordered: bool
) -> list[dict[str, Any]]:
    level = assessment.triage.level
    if level not in PRIORITY or ordered or not assessment.differential:
        return []
    suggestions = []
    for step in _mri_steps(kb, assessment)[:1]:
        order = _orders(kb)[step.id]
        label = order.label
        code = (t.LOINC, order.loinc, order.loinc_display or order.label) if order.loinc else None
        resource = service_request(
            patient_id, label, code, PRIORITY[level], condition_concept(assessment.differential[0]), step.step
        )
        suggestions.append(
            {
                "label": short(f"Request {PRIORITY[level]} {label}", 80),
                "uuid": str(uuid.uuid4()),
                "isRecommended": level is TriageLevel.EMERGENCY,
                "actions": [{"type": "create", "description": step.step, "resource": resource}],
            }
        )
    return suggestions


def assessment_card(
    kb: KnowledgeBase, assessment: Assessment, patient_id: str, imaging_ordered: bool = False
) -> Card:
    """The card for an assessment: indicator from triage, the evidence as Markdown, the guideline."""
    card: Card = {
        "uuid": str(uuid.uuid4()),
        "summary": _summary(assessment),
        "indicator": INDICATOR[assessment.triage.level],
        "detail": evidence_markdown(assessment),
        "source": card_source(kb, _source_for(kb, assessment)),
    }
    suggestions = _suggestions(kb, assessment, patient_id, imaging_ordered)
    if suggestions:
        card["suggestions"] = suggestions
        card["selectionBehavior"] = "at-most-one"
    return card


def imaging_card(kb: KnowledgeBase, assessment: Assessment, orders: list[ImagingOrder]) -> Card | None:
    """A warning when lumbar imaging is ordered where the plan says not to image routinely."""
    step = next((item for item in assessment.plan if item.id == NO_ROUTINE_IMAGING), None)
    if not orders or step is None or assessment.triage.red_flags or _mri_steps(kb, assessment):
        return None
    if not assessment.enough_information:
        return None
    source = _guideline(kb, list(step.sources)) or step.sources[0]
    card: Card = {
        "uuid": str(uuid.uuid4()),
        "summary": short(
            f"Lumbar imaging not routinely indicated: no red flags recorded ({_short_name(kb, source)})"
        ),
        "indicator": "warning",
        "detail": _imaging_detail(kb, assessment, step, orders),
        "source": card_source(kb, source),
        "overrideReasons": [
            t.coding(OVERRIDE, "red-flag-not-recorded", "A red flag is present but not recorded"),
            t.coding(OVERRIDE, "changes-management", "Specialist setting: the result will change management"),
        ],
    }
    # A delete action names the order as ServiceRequest/<id>; a draft without an id cannot be named
    # (its urn:uuid fullUrl is local to the request), so it gets the warning without the action.
    deletable = [order for order in orders if order.reference.startswith("ServiceRequest/")]
    if deletable:
        card["selectionBehavior"] = "at-most-one"
        card["suggestions"] = [
            {
                "label": "Remove the lumbar imaging order",
                "uuid": str(uuid.uuid4()),
                "actions": [
                    {"type": "delete", "description": f"Remove {order.label}", "resourceId": order.reference}
                    for order in deletable
                ],
            }
        ]
    return card


def _imaging_detail(
    kb: KnowledgeBase, assessment: Assessment, step: PlanItem, orders: list[ImagingOrder]
) -> str:
    red_flags = {finding.id for finding in kb.findings if finding.red_flag}
    absent = [
        used.label for used in assessment.findings_used if used.status == "absent" and used.id in red_flags
    ]
    screened = (
        f" Recorded absent: {', '.join(absent)}." if absent else " Red flags were not asked: check them."
    )
    lines = [
        f"**{step.step}**",
        "",
        f"When: {step.when}",
        "",
        "**Ordered:** " + "; ".join(f"{order.label} ({order.matched_by})" for order in orders),
    ]
    if assessment.differential:
        top = assessment.differential[0]
        lines.append(f"**Leading condition:** {top.name} (p={top.probability:.2f})")
    lines.append(f"**Triage:** {assessment.triage.level.value}; no red flag present.{screened}")
    later = next((item for item in assessment.plan if item.id == "sciatica_mri_if_intervention"), None)
    if later is not None:
        lines += ["", f"Later: {later.step}"]
    lines += ["", f"_{assessment.disclaimer}_"]
    return "\n".join(lines)


def _short_name(kb: KnowledgeBase, source_id: str) -> str:
    """'NICE NG59' for a NICE guideline, otherwise the source id."""
    source = next((s for s in kb.sources if s.id == source_id), None)
    match = re.search(r"\bNG\s?(\d+)", source.venue or "") if source else None
    return f"NICE NG{match.group(1)}" if match else source_id


# --------------------------------------------------------------------------- follow-up episodes


def _headline(escalation: Escalation) -> str:
    """The rule's own first words: 'New or progressing weakness (...): ...' gives 'New or progressing
    weakness'."""
    text = escalation.clinician_text
    cut = min((i for i in (text.find("("), text.find(":"), text.find(".")) if i > 0), default=len(text))
    return text[:cut].strip() or escalation.rule_id


def _measure_name(measure: str) -> str:
    if measure.startswith("mrc:"):
        movement, _, side = measure.removeprefix("mrc:").partition(":")
        return f"MRC {movement.replace('_', ' ')}" + ("" if side in ("", "unsided") else f", {side}")
    return measure.replace("_", " ").capitalize()


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def course_detail(kb: KnowledgeBase, course: CourseSummary) -> str:
    """The escalations of a course's latest check-in as Markdown, most urgent first: each rule with
    its level, reason and sources, then how the measures changed since the previous check-in."""
    latest = course.measures[-1] if course.measures else None
    when = f" at week {latest.weeks_since_start:.1f} of the episode" if latest is not None else ""
    lines = [
        f"**Follow-up check-in{when}: episode triage {course.triage_level.value}** (course {course.overall})",
        "",
    ]
    titles = {s.id: s.title for s in kb.sources}
    for item in sorted(course.escalations, key=lambda e: TRIAGE_ORDER.index(e.triage_level), reverse=True):
        cited = "; ".join(f"{titles.get(s, s)} [{s}]" for s in item.source_ids)
        lines.append(
            f"- **{item.triage_level.value}**: {item.clinician_text} _(rule {item.rule_id}; {cited})_"
        )
        if item.plan_step_id:
            lines.append(f"  - Plan step: {item.plan_step_id}")
    shown = [c for c in course.changes if c.trend != "not comparable"]
    if shown:
        lines += ["", "| Measure | Before | Now | Trend |", "|---|---|---|---|"]
        lines += [
            f"| {_measure_name(c.measure)} | {_number(c.previous)} | {_number(c.current)} | {c.trend} |"
            for c in shown
        ]
    if course.needs_clinician_review:
        lines += [
            "",
            "A clinician needs to review this episode; nervemap does not lower its triage until then.",
        ]
    lines += ["", "_Decision support, not a diagnosis: the rules and their sources are listed above._"]
    return "\n".join(lines)


def course_card(kb: KnowledgeBase, course: CourseSummary, episode_url: str | None = None) -> Card | None:
    """A patient-view card when the latest check-in of an episode escalated (None otherwise): it
    names the rule that fired and cites the rule's guideline as the card's source."""
    if not course.escalations:
        return None
    ranked = sorted(course.escalations, key=lambda e: TRIAGE_ORDER.index(e.triage_level), reverse=True)
    top = ranked[0]
    level = max((top.triage_level, course.triage_level), key=TRIAGE_ORDER.index)
    source = (
        _guideline(kb, [s for e in ranked for s in e.source_ids if s != "expert-estimate"])
        or "nice-ng59-2016"
    )
    more = f" (+{len(ranked) - 1} more)" if len(ranked) > 1 else ""
    card: Card = {
        "uuid": str(uuid.uuid4()),
        "summary": short(
            f"{level.value.upper()} follow-up: {_headline(top)}{more} [{_short_name(kb, source)}]"
        ),
        "indicator": INDICATOR[level],
        "detail": course_detail(kb, course),
        "source": card_source(kb, source),
    }
    if episode_url:
        card["links"] = [{"label": "Open the episode in nervemap", "url": episode_url, "type": "absolute"}]
    return card
