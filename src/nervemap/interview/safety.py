"""Safety before stopping: close red-flag rules that the answers so far have half-opened.

A rule of ``triage.yaml`` at urgent or emergency level is *open* when it has not fired, it still
could fire (every finding it still needs is unknown, not denied) and the answers so far point at
it: one of its own findings is present, any red-flag feature is, or a condition it suspects holds a
non-negligible share of the current differential (``suspect_probability``: a confident peroneal
palsy still has its foot drop asked; a femoral neuropathy its anticoagulant). Before the interview
stops for confidence, lack of gain or the question limit, the cheap questions that can settle such
a rule are asked (new weakness in someone who had cancer; a red hot leg with pain out of
proportion; anticoagulants with groin pain and a weak quadriceps...). An urgent red flag does the
same for the emergency rules before it stops (a cancer history with night pain is urgent; with a
new weakness it is an emergency), so the level the stop reports is the highest the questions a
respondent can cheaply answer support.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection

from nervemap.engine.assessment import Assessment
from nervemap.engine.compiled import CompiledKnowledge, held
from nervemap.engine.triage import rule_findings, rule_fires
from nervemap.interview.catalogue import Catalogue, Kind, Mode, Question
from nervemap.knowledge.models import FindingCategory, TriageLevel

SAFETY_LEVELS = (TriageLevel.URGENT, TriageLevel.EMERGENCY)
SAFETY_MAX_COST = 4.0  # bedside and blood tests, not imaging
# Present in most people with leg pain: on its own it does not open a rule.
COMMON = frozenset({"back_pain", "radiating_leg_pain"})


def _sets(question: Question, finding_id: str, compiled: CompiledKnowledge) -> bool:
    if finding_id in question.finding_ids:
        return True
    rule = compiled.findings[finding_id].derive
    if rule is None:
        return False
    reflexes = set(rule.reduced_reflexes or []) | set(rule.brisk_reflexes or [])
    body_map = question.kind == Kind.BODY_MAP
    checks = (
        rule.pain_map is not None and body_map and question.target == "pain_map",
        rule.sensory_loss is not None and body_map and question.target == "sensation",
        bool(set(rule.weak_movements or []) & set(question.movements)),
        bool(reflexes & set(question.reflexes)),
        (rule.age_min is not None or rule.age_max is not None) and question.field == "age",
        rule.sex is not None and any(o.sex for o in question.options),
        rule.onset is not None and any(o.onset for o in question.options),
        (rule.duration_min_days is not None or rule.duration_max_days is not None)
        and question.field == "duration_days",
    )
    return any(checks)


def questions_setting(finding_id: str, catalogue: Catalogue, compiled: CompiledKnowledge) -> list[Question]:
    """The questions whose answers can make ``finding_id`` known (directly or by derivation); kept
    per catalogue (by its content digest) on the compiled knowledge."""
    table: dict[str, list[Question]] = held(
        compiled, f"interview_safety_setting_{catalogue.digest}", lambda _: {}
    )
    known = table.get(finding_id)
    if known is None:
        known = table[finding_id] = [q for q in catalogue.questions if _sets(q, finding_id, compiled)]
    return list(known)


def safety_questions(
    catalogue: Catalogue,
    compiled: CompiledKnowledge,
    mode: Mode,
    asked: Collection[str],
    assessment: Assessment,
    *,
    levels: Collection[TriageLevel] = SAFETY_LEVELS,
    suspect_probability: float = 1.0,
) -> list[Question]:
    """Open cheap questions whose answer alone could fire a red-flag rule at one of ``levels``: a
    rule a present finding or red-flag feature opened, or one that suspects a condition holding at
    least ``suspect_probability`` of the differential. One answer, not every finding the rule reads:
    the cheap way to rule a danger in without turning every interview into the whole catalogue (a
    rule that needs two more answers is asked about only when the answers point at it: by one of its
    own red-flag features or a condition it suspects)."""
    present = {f.id for f in assessment.findings_used if f.status == "present"}
    absent = {f.id for f in assessment.findings_used if f.status == "absent"}
    possible = set(compiled.finding_ids) - absent
    fired = {flag.id for flag in assessment.triage.red_flags}
    # any red-flag feature (night pain, a recent spinal procedure...) opens every reachable rule
    flagged = any(compiled.findings[f].red_flag for f in present)
    suspected = {d.id for d in assessment.differential if d.probability >= suspect_probability}
    wanted: dict[str, Question] = {}
    for rule in compiled.knowledge.triage.red_flags:
        if rule.level not in levels or rule.id in fired:
            continue
        involved = set(rule_findings(rule))
        opened = {
            f
            for f in involved & present
            if f not in COMMON and compiled.findings[f].category != FindingCategory.DEMOGRAPHIC
        }
        # pointed at by its own red-flag feature or by the differential: the red-flag questions of
        # the safety phase are kept for these (a pulsatile mass is not asked of every sore buttock)
        pointed = bool(suspected.intersection(rule.suspects)) or any(
            compiled.findings[f].red_flag for f in opened
        )
        if not (opened or flagged or pointed) or not rule_fires(rule, possible):
            continue
        settable: dict[str, set[str]] = {}  # question id -> the rule's missing findings it can set
        for finding_id in sorted(involved - present - absent):
            for question in questions_setting(finding_id, catalogue, compiled):
                if question.phase == "safety" and not pointed:
                    continue
                if question.id not in asked and question.asked_in(mode) and question.cost <= SAFETY_MAX_COST:
                    settable.setdefault(question.id, set()).add(finding_id)
        single = [
            question_id for question_id, findings in settable.items() if rule_fires(rule, present | findings)
        ]
        for question_id in single:
            wanted[question_id] = catalogue.by_id[question_id]
        if single or not pointed:
            continue
        # a rule the answers point at that needs two more answers (anticoagulated, with groin pain,
        # and a weak quadriceps): both questions of every pair that could fire it are open, so the
        # first is asked and the rule settled or closed answer by answer
        for first, second in itertools.combinations(sorted(settable), 2):
            if rule_fires(rule, present | settable[first] | settable[second]):
                wanted[first] = catalogue.by_id[first]
                wanted[second] = catalogue.by_id[second]
    order = {q.id: i for i, q in enumerate(catalogue.questions)}
    return sorted(wanted.values(), key=lambda q: (q.cost, order[q.id]))
