"""Presentation helpers: plain words for patients, grouping of the plan, number formats.

Nothing here invents clinical content: every sentence shown about a case is a field of the
assessment (or of the knowledge base's plain wording); these helpers only choose and order them.
The knowledge base is the app's (``app.state.knowledge``), handed in by the pages; a helper called
without one (a test, a script) reads the bundled one. Tables derived from it are kept on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from nervemap.engine.assessment import Assessment, Localisation
from nervemap.engine.compiled import CompiledKnowledge, default_compiled, held
from nervemap.engine.triage import rule_fires
from nervemap.interview.catalogue import catalogue_for
from nervemap.knowledge.models import PlanStep, TriageLevel

TRIAGE_RANK = {level.value: i for i, level in enumerate(reversed(list(TriageLevel)))}  # emergency 0
URGENCY_TITLE = {
    "emergency": "Emergency: get help now",
    "urgent": "Urgent: see a doctor today",
    "soon": "See a doctor within a few days",
    "routine": "Book a routine appointment",
    "self-care": "You can usually look after this at home",
}
SCIATICA_ROOTS = {"L4", "L5", "S1", "S2", "S3"}


def percent(value: float) -> str:
    return f"{value * 100:.0f}%" if value >= 0.01 else "<1%"


def when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def urgency_class(level: str) -> str:
    return f"urgency-{level}"


def is_sciatica(place: Localisation) -> bool:
    return (place.root in SCIATICA_ROOTS) or place.nerve == "sciatic"


# Plan kinds by how much a patient needs them (safety first), and in the order a patient reads
# them: what they can do themselves, what may be offered from the simplest to the most involved,
# then when to get help.
PATIENT_PRIORITY = (
    "safety",
    "self-care",
    "conservative",
    "medication",
    "referral",
    "test",
    "imaging",
    "injection",
    "surgery",
)
PATIENT_READING = (*PATIENT_PRIORITY[1:], "safety")
MAX_PATIENT_STEPS = 5


@dataclass(frozen=True)
class PatientStep:
    id: str
    text: str
    avoid: bool  # a "do not": what does not help


def _plan_steps(knowledge: CompiledKnowledge) -> dict[str, PlanStep]:
    return held(knowledge, "web_plan_steps", lambda c: {step.id: step for step in c.knowledge.plans})


def patient_plan(
    assessment: Assessment, severity_known: bool, knowledge: CompiledKnowledge | None = None
) -> list[PatientStep]:
    """At most five of the plan's steps in the patient's own words (the knowledge base's ``patient``
        wording; steps without it are for clinicians only), filtered to what is known: no step that
        depends on the duration when the duration is unknown, none that depends on the severity when
        nothing measured it, none whose ``patient_needs`` findings are not present (an ankle-foot
        orthosis without foot drop). Safety steps are chosen first and read last; one "good to know" (a
    step that is not needed or does not help) when there is room."""
    steps = _plan_steps(knowledge or default_compiled())
    present = {f.id for f in assessment.findings_used if f.status == "present"}
    duration_known = assessment.severity.duration_days is not None
    do: list[tuple[str, PatientStep]] = []
    avoid: list[PatientStep] = []
    for item in assessment.plan:
        step = steps.get(item.id)
        if step is None or not step.patient:
            continue
        if not duration_known and (step.min_duration_days is not None or step.max_duration_days is not None):
            continue
        if not severity_known and (step.min_severity is not None or step.max_severity is not None):
            continue
        if not set(step.patient_needs) <= present:
            continue
        shown = PatientStep(step.id, step.patient, item.recommendation == "do-not")
        if shown.avoid:
            avoid.append(shown)
        elif item.kind in PATIENT_PRIORITY:
            do.append((item.kind, shown))
    # choose by need (stable: the engine's order within a kind), then show in reading order
    do.sort(key=lambda pair: PATIENT_PRIORITY.index(pair[0]))
    chosen = do[:MAX_PATIENT_STEPS]
    chosen.sort(key=lambda pair: PATIENT_READING.index(pair[0]))
    return [shown for _, shown in chosen] + avoid[: MAX_PATIENT_STEPS - len(chosen)][:1]


def top_place(assessment: Assessment) -> Localisation | None:
    return assessment.localization[0] if assessment.localization else None


def triage_rank(level: str) -> int:
    return TRIAGE_RANK.get(level, len(TRIAGE_RANK))


# ------------------------------------------------------------------ emergencies


def _lower_first(name: str) -> str:
    """'Cauda equina syndrome' -> 'cauda equina syndrome'; acronyms ('AAA...') are kept."""
    return name if name[:2].isupper() else name[:1].lower() + name[1:]


def suspected_label(output: dict[str, Any]) -> str | None:
    """What the queue names an urgent or emergency assessment by: the suspected condition of the
    red-flag rule that fired ("Suspected cauda equina syndrome"), else the rule's own name."""
    triage = output.get("triage") or {}
    if triage.get("level") not in (TriageLevel.EMERGENCY.value, TriageLevel.URGENT.value):
        return None
    suspected = triage.get("suspected") or []
    if suspected:
        return "Suspected " + _lower_first(str(suspected[0]["name"]))
    flags = triage.get("red_flags") or []
    return f"Red flag: {flags[0]['name']}" if flags else None


def _finding_words(knowledge: CompiledKnowledge) -> dict[str, str]:
    """A plain statement per finding, from the patient wording of the catalogue's answer options
    ("Numb between the legs or around the back passage..."); findings no option sets are absent."""

    def build(compiled: CompiledKnowledge) -> dict[str, str]:
        words: dict[str, str] = {}
        for question in catalogue_for(compiled).questions:
            for option in question.options:
                for finding in option.findings:
                    words.setdefault(finding, option.patient)
        return words

    return held(knowledge, "web_finding_words", build)


def _clinical_words(knowledge: CompiledKnowledge) -> dict[str, str]:
    return held(knowledge, "web_clinical_words", lambda c: {f.id: f.clinician for f in c.knowledge.findings})


def emergency_triggers(assessment: Assessment, knowledge: CompiledKnowledge | None = None) -> list[str]:
    """The answers that made it an emergency, in the patient's own option wording, in rule order."""
    compiled = knowledge or default_compiled()
    clinical, words = _clinical_words(compiled), _finding_words(compiled)
    present = {f.id for f in assessment.findings_used if f.status == "present"}
    out: list[str] = []
    for flag in assessment.triage.red_flags:
        if flag.level != TriageLevel.EMERGENCY:
            continue
        for finding in flag.findings:
            if finding not in present:
                continue
            text = words.get(finding) or clinical.get(finding, finding)
            if text not in out:
                out.append(text)
    return out


def _patient_names(knowledge: CompiledKnowledge) -> dict[str, str]:
    return held(knowledge, "web_patient_names", lambda c: {x.id: x.patient_name for x in c.conditions})


@dataclass(frozen=True)
class Suspicion:
    name: str  # clinical name, for the emergency department ("cauda equina syndrome")
    plain: str  # the knowledge base's patient name


def emergency_suspicions(
    assessment: Assessment, knowledge: CompiledKnowledge | None = None
) -> list[Suspicion]:
    """The conditions the emergency rules point to, for "what to tell them"."""
    names = _patient_names(knowledge or default_compiled())
    seen: list[Suspicion] = []
    for item in assessment.triage.suspected:
        if item.level != TriageLevel.EMERGENCY or any(s.name == _lower_first(item.name) for s in seen):
            continue
        seen.append(Suspicion(_lower_first(item.name), names.get(item.condition, "")))
    return seen


# ------------------------------------------------------------------ warning signs left open

WARNING_LEVELS = (TriageLevel.EMERGENCY, TriageLevel.URGENT)


@dataclass(frozen=True)
class OpenWarnings:
    """Warning-sign answers the patient did not give ("I don't know"), and what to do about them."""

    level: str
    action: str
    items: list[str]


def _warning_level(
    findings: list[str], present: set[str], knowledge: CompiledKnowledge
) -> TriageLevel | None:
    """The most urgent red-flag rule this answer would fire, with what the patient did report."""
    rules = knowledge.knowledge.triage.red_flags
    fired = [r.level for r in rules if r.level in WARNING_LEVELS and rule_fires(r, present | set(findings))]
    return min(fired, key=lambda level: TRIAGE_RANK[level.value]) if fired else None


def open_warnings(
    answers: list[tuple[str, Any]],
    assessment: Assessment,
    number: str,
    knowledge: CompiledKnowledge | None = None,
) -> list[OpenWarnings]:
    """Every warning sign asked about but answered "I don't know", grouped by what to do if it is
    true: the level of the red-flag rule it would fire (triage.yaml) given the other answers."""
    compiled = knowledge or default_compiled()
    catalogue = catalogue_for(compiled)
    present = {f.id for f in assessment.findings_used if f.status == "present"}
    grouped: dict[TriageLevel, list[str]] = {}
    for question_id, value in answers:
        question = catalogue.by_id.get(question_id)
        if question is None or value != "unknown":
            continue
        items = [(o.patient, list(o.findings)) for o in question.options]
        if not question.options and question.findings:
            items = [(question.patient or question.clinician, list(question.findings))]
        for text, findings in items:
            level = _warning_level(findings, present, compiled) if findings else None
            if level is not None and text not in grouped.setdefault(level, []):
                grouped[level].append(text)
    actions = {
        TriageLevel.EMERGENCY: f"If you have any of these, go to an emergency department or call {number}:",
        TriageLevel.URGENT: "If any of these applies to you, see a doctor today:",
    }
    return [
        OpenWarnings(level.value, actions[level], grouped[level])
        for level in WARNING_LEVELS
        if grouped.get(level)
    ]


# ------------------------------------------------------------------ the clinician's header


def duration_words(days: float | None) -> str:
    """'10 days', '3 weeks', '4 months', '2 years'; 'not given' when unknown."""
    if days is None:
        return "not given"
    if days < 14:
        return f"{days:.0f} day{'s' if round(days) != 1 else ''}"
    if days < 90:
        return f"{days / 7:.0f} weeks"
    if days < 730:
        return f"{days / (365.25 / 12):.0f} months"
    return f"{days / 365.25:.0f} years"


def _screen_findings(knowledge: CompiledKnowledge) -> tuple[str, ...]:
    """The cauda equina / cord screen's findings (the catalogue's first screen question)."""
    screens = _screens(knowledge)
    return screens[0][1] if screens else ()


def _examination_findings(knowledge: CompiledKnowledge) -> frozenset[str]:
    return held(
        knowledge,
        "web_examination_findings",
        lambda c: frozenset(f.id for f in c.knowledge.findings if f.category.value == "examination"),
    )


@dataclass(frozen=True)
class Header:
    age: str
    sex: str
    duration: str
    side: str
    red_flags: str  # positive / negative / partly asked / not asked
    red_flag_class: str
    examined: str


def header(
    assessment: Assessment, case: dict[str, Any], knowledge: CompiledKnowledge | None = None
) -> Header:
    """What a clinician needs first: who, how long, which side, the red-flag screen, examined or not."""
    age = case.get("age")
    sides = {m.get("side") for m in case.get("pain_map") or [] if m.get("side") in ("left", "right")}
    side = " and ".join(sorted(sides)) if sides else "not marked"
    leading = assessment.localization[0].side if assessment.localization else None
    if leading and leading != side:
        side += f" (leading site: {leading})"
    status = {f.id: f.status for f in assessment.findings_used}
    compiled = knowledge or default_compiled()
    screen = _screen_findings(compiled)
    answered = [f for f in screen if f in status]
    if assessment.triage.red_flags:
        flags, css = "positive: " + "; ".join(f.name for f in assessment.triage.red_flags), "positive"
    elif answered and len(answered) == len(screen):
        flags, css = "negative (cauda equina screen answered)", "negative"
    elif answered:
        flags, css = f"partly asked: {len(answered)} of {len(screen)} cauda equina items recorded", "partial"
    else:
        flags, css = "not asked", "not-asked"
    exam = bool(case.get("strength") or case.get("reflexes") or case.get("sensation"))
    examination = _examination_findings(compiled)
    exam = exam or any(f in examination for f in status)
    return Header(
        age=f"{age:g}" if isinstance(age, int | float) else "not given",
        sex=str(case.get("sex") or "not given"),
        duration=duration_words(case.get("duration_days")),
        side=side,
        red_flags=flags,
        red_flag_class=css,
        examined="examined" if exam else "not examined",
    )


# ------------------------------------------------------------------ red-flag negatives, briefly


@dataclass(frozen=True)
class ScreenLine:
    name: str
    absent: int
    asked: int  # of the screen's findings, how many were recorded (present or absent)
    total: int


def _screens(knowledge: CompiledKnowledge) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The catalogue's red-flag screens: (the clinician's wording, the findings), in order."""
    return held(
        knowledge,
        "web_screens",
        lambda c: tuple(
            (q.clinician, tuple(q.finding_ids)) for q in catalogue_for(c).questions if q.phase == "screen"
        ),
    )


def red_flag_checklist(
    assessment: Assessment, knowledge: CompiledKnowledge | None = None
) -> tuple[list[ScreenLine], list[str]]:
    """The red-flag screens as one line each (how many of their items were recorded absent), and
    the absent findings that belong to no screen, for a summary that fits one page."""
    status = {f.id: f.status for f in assessment.findings_used}
    lines: list[ScreenLine] = []
    screened: set[str] = set()
    for name, findings in _screens(knowledge or default_compiled()):
        screened |= set(findings)
        absent = sum(status.get(f) == "absent" for f in findings)
        asked = sum(f in status for f in findings)
        lines.append(ScreenLine(name, absent, asked, len(findings)))
    others = [f.label for f in assessment.findings_used if f.status == "absent" and f.id not in screened]
    return lines, others
