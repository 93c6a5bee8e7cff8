"""Which question next: safety first, then expected information gain per unit of cost.

1. A confirmed red flag (the engine's triage is urgent or emergency with a red-flag rule fired)
   stops the interview: an emergency at once; an urgent one after the screen and the cheap
   questions that could still make it an emergency (``interview/safety.py``), so that the level
   the stop reports is the highest the answers support.
2. The red-flag screen is asked first, in catalogue order; then, of patients, the core questions
   (sex, duration, leg and back pain, function: what the severity, the plan and the course need),
   always, in catalogue order (a clinician's interview chooses them by gain like any other
   question). Back pain and function tell nothing about the cause and are outside the budget.
3. The interview stops when it is confident (top condition >= 0.85 and top lesion site >= 0.8),
   when the question budget is spent, or when no question is expected to gain enough; but never
   while a cheap question that could fire an open urgent or emergency red-flag rule is unasked
   (one the answers point at, or one suspecting a condition with a non-negligible probability).
4. Otherwise each unasked question is scored by the expected drop in the entropy of the condition
   posterior plus the entropy of the lesion-site posterior, over its possible answers, divided by
   its cost. All candidate answers of all questions are scored in one batch of the engine's
   vectorised inference.

The reason shown for a question names the two conditions (or lesion sites) whose odds its answer
is expected to move most, in patient words in patient mode.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from nervemap.engine.assessment import Assessment
from nervemap.engine.case import Case
from nervemap.engine.compiled import CompiledKnowledge, FloatArray
from nervemap.engine.encode import EncodedCase, encode_case
from nervemap.engine.triage import rule_findings
from nervemap.interview.answers import Value, apply
from nervemap.interview.candidates import candidates, joint_probabilities
from nervemap.interview.catalogue import Catalogue, Mode, Question
from nervemap.interview.incremental import CaseEncoder, Row, stack
from nervemap.interview.safety import SAFETY_MAX_COST, questions_setting, safety_questions
from nervemap.interview.scoring import Scored, score_loglik, score_rows
from nervemap.knowledge.models import TriageLevel

STOP_LEVELS = (TriageLevel.URGENT, TriageLevel.EMERGENCY)
COURSE_FIELDS = ("leg_pain_nrs", "back_pain_nrs", "psfs")  # what a check-in compares (issue 19)
PAIR_CANDIDATES = 4
# Expected change of a pair's log odds (nats) below which the answers do not move them: a pair
# whose odds no answer changes differs from zero by rounding alone, and rounding must not pick
# the pair a reason names (the batch and the reference policy round differently).
MIN_ODDS_MOVED = 1e-9
SAFETY_WHY = "Your answers so far make one serious cause worth ruling out before we finish."
# after an urgent red flag: the questions that tell whether it is an emergency
ESCALATE_WHY: dict[Mode, str] = {
    "patient": "You need to see a doctor soon. This question tells us if you need help right now.",
    "clinician": "Urgent red flag: this answer could make it an emergency.",
}


@dataclass(frozen=True)
class PolicyConfig:
    condition_target: float = 0.85
    site_target: float = 0.8
    min_gain: float = 0.05  # nats
    max_questions: int = 16  # before any safety questions
    samples: int = 24
    # A red-flag rule suspecting a condition that holds this much of the differential is open: its
    # cheap questions are asked before any stop. Policy setting (expert estimate): one in twenty
    # is not negligible for a cause whose miss costs a limb, a nerve or a life, while the rules of
    # the ordinary causes (a disc, a peroneal palsy) suspect them only through a foot drop.
    red_flag_suspect: float = 0.05
    # After an urgent red flag, a question expected to tell its suspected condition from the rest by
    # this much (nats of "that condition or not") is asked when the condition has an emergency
    # threshold (closer_look). Policy setting (expert estimate): a few such questions, not the catalogue.
    suspect_min_gain: float = 0.005
    # ... past the question budget too, but only while fewer than this many questions were asked
    # since the urgent rule fired (the questions that could make it an emergency included): an urgent
    # flag found late still gets its closer look, and the closer look ends. Policy setting (expert
    # estimate): eight, the most a golden red-flag case needs (discitis after a spinal procedure: five
    # questions that could make the flag an emergency, then two of the closer look), not the catalogue.
    closer_look_max: int = 8
    # score answers as sparse changes to the current case's encoding; False: encode every
    # hypothetical case from scratch (the reference: the same numbers, several times slower)
    incremental: bool = True


class StopReason(StrEnum):
    RED_FLAG = "red-flag"
    CONFIDENT = "confident"
    NO_GAIN = "no-gain"
    MAX_QUESTIONS = "max-questions"


@dataclass(frozen=True)
class Ranked:
    question: Question
    gain: float  # expected entropy drop, nats (conditions + sites)
    gain_conditions: float
    gain_sites: float

    @property
    def score(self) -> float:
        return self.gain / self.question.cost


@dataclass(frozen=True)
class Step:
    question: Question | None
    why: str = ""
    stop: StopReason | None = None
    ranking: list[Ranked] = field(default_factory=list)


def red_flag_stop(assessment: Assessment) -> bool:
    """A red flag is confirmed: triage urgent or emergency, set by a fired red-flag rule."""
    triage = assessment.triage
    return triage.level in STOP_LEVELS and any(flag.level in STOP_LEVELS for flag in triage.red_flags)


def _emergency(assessment: Assessment) -> bool:
    return assessment.triage.level == TriageLevel.EMERGENCY


@dataclass
class _Evaluation:
    current: Scored
    ranking: list[Ranked]
    rows: dict[str, tuple[slice, FloatArray]]  # question id -> its rows and answer weights
    batch: Scored | None


def _weights(log_evidence: FloatArray, given: list[float] | None) -> FloatArray:
    if given is not None:
        return np.asarray(given, dtype=np.float64)
    w = np.exp(log_evidence - log_evidence.max())
    return np.asarray(w / w.sum(), dtype=np.float64)


def evaluate(
    questions: list[Question],
    case: Case,
    compiled: CompiledKnowledge,
    config: PolicyConfig,
    encoded: EncodedCase | None = None,
) -> _Evaluation:
    """Expected information gain of every question, from one batch of hypothetical answers
    (``encoded``: ``encode_case(case)``, when already made).

    The current case is encoded once and each answer that only reports findings is scored as a
    sparse change to it (``interview/incremental.py``); with ``config.incremental`` off every row
    is encoded from scratch (the reference the tests compare with: the same numbers)."""
    encoder = CaseEncoder(case, compiled, encoded)
    current = score_rows(compiled, *stack(compiled, [encoder.current]))
    log_joint = current.log_joint[0]
    cdf = joint_probabilities(log_joint)
    answers: list[tuple[Question, Value]] = []
    keys: list[str | None] = []
    spans: list[tuple[Question, slice, list[float] | None]] = []
    for question in questions:
        options = candidates(question, compiled, log_joint, config.samples, cdf)
        if not options.answers:
            continue
        start = len(answers)
        answers.extend((question, answer) for answer in options.answers)
        keys.extend(options.keys if options.keys is not None else [None] * len(options.answers))
        spans.append((question, slice(start, len(answers)), options.weights))
    if not answers:
        return _Evaluation(current, [], {}, None)
    if config.incremental:
        batch = score_loglik(compiled, *encoder.logliks(answers, keys))
    else:
        rows = [Row.of(encode_case(apply(question, answer, case), compiled)) for question, answer in answers]
        batch = score_rows(compiled, *stack(compiled, rows))
    ranking: list[Ranked] = []
    weights_by_question: dict[str, tuple[slice, FloatArray]] = {}
    for question, span, given in spans:
        w = _weights(batch.log_evidence[span], given)
        gain_c = float(current.entropy_conditions[0] - w @ batch.entropy_conditions[span])
        gain_s = float(current.entropy_sites[0] - w @ batch.entropy_sites[span])
        ranking.append(Ranked(question, gain_c + gain_s, gain_c, gain_s))
        weights_by_question[question.id] = (span, w)
    ranking.sort(key=lambda r: (-r.score, r.question.id))
    return _Evaluation(current, ranking, weights_by_question, batch)


def next_step(
    catalogue: Catalogue,
    compiled: CompiledKnowledge,
    mode: Mode,
    asked: Collection[str],
    case: Case,
    assessment: Assessment,
    config: PolicyConfig,
    *,
    checkin: bool = False,
    encoded: EncodedCase | None = None,
) -> Step:
    """The next question to ask, or why the interview stops. ``checkin``: a follow-up check-in,
    where a clinician's interview also asks the course measures (leg and back pain, function)
    first, as a patient's always does."""
    open_questions = [q for q in catalogue.for_mode(mode) if q.id not in asked]
    screen = [q for q in open_questions if q.phase == "screen"]
    # An emergency stops at once; an urgent red flag first finishes the (short) screen, whose
    # remaining answers can only raise it to an emergency, then asks the cheap questions that could
    # fire an open emergency rule: the stop then reports the highest level the answers support.
    if red_flag_stop(assessment) and (_emergency(assessment) or not screen):
        if not _emergency(assessment):
            escalating = safety_questions(
                catalogue,
                compiled,
                mode,
                asked,
                assessment,
                levels=(TriageLevel.EMERGENCY,),
                suspect_probability=config.red_flag_suspect,
            )
            if escalating:
                return Step(escalating[0], why=ESCALATE_WHY[mode])
            closer = closer_look(
                catalogue, compiled, asked, open_questions, case, assessment, config, encoded
            )
            if closer is not None:
                return Step(closer, why=ESCALATE_WHY[mode])
        return Step(None, stop=StopReason.RED_FLAG)
    if screen:
        return Step(screen[0], why=screen[0].why)
    core = [
        q
        for q in open_questions
        if q.phase == "core" and (mode == "patient" or (checkin and q.field in COURSE_FIELDS))
    ]
    if core:
        return Step(core[0], why=why_for(core[0], case, catalogue, compiled, mode, config))
    stop: StopReason | None = None
    top_condition = max(d.probability for d in assessment.differential)
    top_site = max(s.probability for s in assessment.localization)
    # Confidence is named before the question limit: an interview that reached both (safety
    # questions asked after a confident answer count towards the limit) ended because it was sure.
    if top_condition >= config.condition_target and top_site >= config.site_target:
        stop = StopReason.CONFIDENT
    elif counted(catalogue, asked) >= config.max_questions:
        stop = StopReason.MAX_QUESTIONS
    # red-flag questions of the safety phase are asked only to settle an open rule, below
    adaptive = [q for q in open_questions if q.phase != "safety"]
    evaluation = evaluate(adaptive, case, compiled, config, encoded) if stop is None else None
    useful = [r for r in evaluation.ranking if r.gain >= config.min_gain] if evaluation else []
    if stop is None and not useful:
        stop = StopReason.NO_GAIN
    if stop is not None:
        pending = safety_questions(
            catalogue, compiled, mode, asked, assessment, suspect_probability=config.red_flag_suspect
        )
        if pending:
            return Step(pending[0], why=SAFETY_WHY)
        return Step(None, stop=stop, ranking=evaluation.ranking if evaluation else [])
    assert evaluation is not None
    best = useful[0]
    why = explain(best, evaluation, catalogue, compiled, mode)
    return Step(best.question, why=why, ranking=evaluation.ranking)


def _binary_entropy(p: FloatArray) -> FloatArray:
    q = np.clip(p, 1e-12, 1 - 1e-12)
    return np.asarray(-(q * np.log(q) + (1 - q) * np.log(1 - q)), dtype=np.float64)


def _emergency_thresholds(compiled: CompiledKnowledge) -> dict[str, float]:
    """Condition id -> the probability at which triage.yaml's suspicion rules make it an emergency."""
    rules = compiled.knowledge.triage.suspicion
    return {r.condition: r.min_probability.value for r in rules if r.level == TriageLevel.EMERGENCY}


def closer_look(
    catalogue: Catalogue,
    compiled: CompiledKnowledge,
    asked: Collection[str],
    open_questions: list[Question],
    case: Case,
    assessment: Assessment,
    config: PolicyConfig,
    encoded: EncodedCase | None = None,
) -> Question | None:
    """After an urgent red flag, the cheap question that best tells whether the condition it
    suspects is there, when that condition becomes an emergency above a probability (triage.yaml
    suspicion rules: a spinal abscess at 0.1): the question with the largest expected drop in the
    entropy of "that condition or not" per unit of cost, if at least ``config.suspect_min_gain``;
    past the question budget too, so that an urgent flag found late still gets its closer look, but
    only while fewer than ``config.closer_look_max`` questions were asked since the flag fired.
    A raised CRP with back pain is urgent; with a tender spine and diabetes after a spinal
    injection the abscess may be likely enough to be an emergency."""
    if asked_since_the_flag(catalogue, compiled, asked, assessment) >= config.closer_look_max:
        return None
    thresholds = _emergency_thresholds(compiled)
    index = {c.id: i for i, c in enumerate(compiled.conditions)}
    targets = sorted(
        index[s.condition]
        for s in assessment.triage.suspected
        if s.level == TriageLevel.URGENT and s.condition in thresholds
    )
    if not targets:
        return None
    cheap = [q for q in open_questions if q.phase != "screen" and q.cost <= SAFETY_MAX_COST]
    evaluation = evaluate(cheap, case, compiled, config, encoded)
    if evaluation.batch is None:
        return None
    best: tuple[float, Question] | None = None
    for ranked in evaluation.ranking:
        span, w = evaluation.rows[ranked.question.id]
        for i in targets:
            before = _binary_entropy(evaluation.current.conditions[0, i : i + 1])[0]
            gain = float(before - w @ _binary_entropy(evaluation.batch.conditions[span, i]))
            score = gain / ranked.question.cost
            if gain >= config.suspect_min_gain and (best is None or score > best[0]):
                best = (score, ranked.question)
    return best[1] if best else None


def asked_since_the_flag(
    catalogue: Catalogue, compiled: CompiledKnowledge, asked: Collection[str], assessment: Assessment
) -> int:
    """How many of the questions ``asked`` (in the order asked) came after the answer that fired the
    first of the fired urgent or emergency rules: a rule fired with the last of the answers that set
    its present findings (the whole interview when no question sets them)."""
    order = list(asked)
    where = {question_id: i for i, question_id in enumerate(order)}
    present = {f.id for f in assessment.findings_used if f.status == "present"}
    rules = {rule.id: rule for rule in compiled.knowledge.triage.red_flags}
    fired_at: list[int] = []
    for flag in assessment.triage.red_flags:
        rule = rules.get(flag.id)
        if rule is None or flag.level not in STOP_LEVELS:
            continue
        answered = [
            min((where[q.id] for q in questions_setting(f, catalogue, compiled) if q.id in where), default=-1)
            for f in rule_findings(rule)
            if f in present
        ]
        fired_at.append(max(answered, default=-1))
    return len(order) - 1 - min(fired_at, default=-1)


def counted(catalogue: Catalogue, asked: Collection[str]) -> int:
    """The answered questions the budget counts: all but the follow-up measures outside it."""
    return sum(1 for q in asked if (question := catalogue.by_id.get(q)) is None or question.budget)


def why_for(
    question: Question,
    case: Case,
    catalogue: Catalogue,
    compiled: CompiledKnowledge,
    mode: Mode,
    config: PolicyConfig,
) -> str:
    """The reason for one question in the current state (for "?" on any question)."""
    if question.phase in ("screen", "safety") or "{first}" not in question.why:
        return question.why
    evaluation = evaluate([question], case, compiled, config)
    if not evaluation.ranking:
        return _generic(question)
    return explain(evaluation.ranking[0], evaluation, catalogue, compiled, mode)


def _generic(question: Question) -> str:
    head = question.why.split("{first}")[0].rstrip(" :,")
    for joiner in (": it helps tell", " helps tell", ": separates", " separates", " tell"):
        if head.endswith(joiner.strip()) or head.endswith(joiner):
            head = head[: -len(joiner)].rstrip(" :,")
    return (head or "It helps narrow down the cause") + "."


def explain(
    ranked: Ranked, evaluation: _Evaluation, catalogue: Catalogue, compiled: CompiledKnowledge, mode: Mode
) -> str:
    """Fill the question's reason with the pair of conclusions its answers would separate most."""
    question = ranked.question
    if "{first}" not in question.why:
        return question.why
    if evaluation.batch is None or question.id not in evaluation.rows:
        return _generic(question)
    span, w = evaluation.rows[question.id]
    # Compared rounded, as the engine ranks: the incremental and the full policy compute the gains
    # along different float paths, and a tie must name the same pair in both.
    use_sites = round(ranked.gain_sites, 9) > round(ranked.gain_conditions, 9)
    before = (evaluation.current.sites if use_sites else evaluation.current.conditions)[0]
    after = (evaluation.batch.sites if use_sites else evaluation.batch.conditions)[span]
    pair = _best_pair(before, after, w)
    if pair is None:
        return _generic(question)
    a, b = pair
    if use_sites:
        first, second = _site_words(compiled, catalogue, a, b, mode)
    else:
        first, second = (_condition_words(compiled, i, mode) for i in (a, b))
    return question.why.format(first=first, second=second)


def _best_pair(before: FloatArray, after: FloatArray, weights: FloatArray) -> tuple[int, int] | None:
    top = [int(i) for i in np.argsort(-before, kind="stable")[:PAIR_CANDIDATES] if before[i] > 1e-6]
    best: tuple[float, tuple[int, int]] | None = None
    floor = 1e-300
    for a, b in itertools.combinations(top, 2):
        prior_odds = np.log(before[a] + floor) - np.log(before[b] + floor)
        moved = np.abs(np.log(after[:, a] + floor) - np.log(after[:, b] + floor) - prior_odds)
        expected = float(weights @ moved)
        if expected <= MIN_ODDS_MOVED:
            continue  # no answer moves these odds: what is left is rounding, not a reason
        value = expected * float(np.sqrt(before[a] * before[b]))
        if best is None or value > best[0]:
            best = (value, (a, b))
    return None if best is None or best[0] <= 0 else best[1]


def _condition_words(compiled: CompiledKnowledge, index: int, mode: Mode) -> str:
    condition = compiled.conditions[index]
    if mode == "clinician":
        return condition.name
    name = condition.patient_name
    return name if name[:2].isupper() else name[:1].lower() + name[1:]


def _site_words(
    compiled: CompiledKnowledge, catalogue: Catalogue, a: int, b: int, mode: Mode
) -> tuple[str, str]:
    first, second = compiled.hypotheses[a], compiled.hypotheses[b]

    def name(site: str, fallback: str) -> str:
        if mode == "clinician":
            return fallback
        wording = catalogue.sites.get(site)
        return wording.patient if wording else fallback

    def where(side: str | None) -> str:
        return f" on the {side}" if side in ("left", "right") else ""

    if first.site == second.site:
        return name(first.site, first.name) + where(first.side), f"the same{where(second.side)}"
    return name(first.site, first.name) + where(first.side), name(second.site, second.name) + where(
        second.side
    )
