"""An interview session: the answers so far, and everything else derived from them.

The state is only (mode, setting, ordered answers). The case, the assessment and the next question
are pure functions of it, so undoing an answer, changing one, or saving and resuming gives exactly
the state reached by answering that way in the first place. Every change is checked in full before
it is kept: a bad answer or a bad file raises a clear error and leaves the session as it was.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import astuple
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from nervemap.engine import items
from nervemap.engine.assess import Detail, assess, to_assessment
from nervemap.engine.assessment import Assessment
from nervemap.engine.case import Case
from nervemap.engine.compiled import CompiledKnowledge, default_compiled, held
from nervemap.engine.core import headline_one
from nervemap.engine.encode import CaseError, EncodedCase, encode_case
from nervemap.engine.items import Item, ItemKind
from nervemap.interview.answers import AnswerError, Value, normalise, said
from nervemap.interview.catalogue import Catalogue, Mode, Question, catalogue_for
from nervemap.interview.policy import PolicyConfig, Step, StopReason, next_step, why_for
from nervemap.knowledge.models import Setting

FORMAT = "nervemap-interview-session"
FORMAT_VERSION = 1
STEP_FORMAT = "nervemap-interview-step-1"


class SessionError(ValueError):
    """A saved session that cannot be read (corrupt, foreign or from an unsupported version)."""


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    question: str
    value: Any


class _SavedSession(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: Literal["nervemap-interview-session"]
    version: int
    mode: Literal["patient", "clinician"]
    setting: Setting
    case_id: str | None = None
    checkin: bool = False
    catalogue_version: str
    knowledge_version: str
    answers: list[_Answer]


class _State:
    """One immutable snapshot: answers and the case built from them."""

    def __init__(
        self,
        answers: tuple[tuple[str, Value], ...],
        case: Case,
        told: tuple[tuple[Item, Any], ...] = (),
        so_far: Case | None = None,
        encoded: EncodedCase | None = None,
    ) -> None:
        self.answers = answers
        self.case = case
        self.encoded = encoded  # encode_case(case), made when the answers were checked
        # what the answers said of the case's items, and the case they made before it was
        # validated: the next answer is applied to these (InterviewSession._build_on)
        self.told = told
        self.so_far = so_far
        self.assessment: Assessment | None = None
        self.headline: Assessment | None = None  # the same conclusions without the evidence record
        self.step: Step | None = None
        self.red_flag: dict[str, str] | None = None  # of a step restored from saved_step()
        self.text: str | None = None  # to_json() of this state, made once
        self.key: str | None = None  # step_key of this state, made once (saved_step)


class InterviewSession:
    def __init__(
        self,
        mode: Mode = "patient",
        setting: Setting = Setting.PRIMARY_CARE,
        case_id: str | None = None,
        *,
        catalogue: Catalogue | None = None,
        compiled: CompiledKnowledge | None = None,
        config: PolicyConfig | None = None,
        checkin: bool = False,
        _state: _State | None = None,
    ) -> None:
        """``checkin``: a follow-up check-in, where a clinician is asked the course measures too.
        (``_state``: the state to start from, for :meth:`from_json`; else no answers.)"""
        if mode not in ("patient", "clinician"):
            raise ValueError(f"mode must be patient or clinician, got {mode!r}")
        self.mode: Mode = mode
        self.setting = Setting(setting)
        self.case_id = case_id
        self.compiled = compiled or default_compiled()
        self.catalogue = catalogue or catalogue_for(self.compiled)  # the knowledge base's questions
        self.config = config or PolicyConfig()
        self.checkin = checkin
        self._state = self._build(()) if _state is None else _state

    # ------------------------------------------------------------------ state
    @property
    def answers(self) -> list[tuple[str, Value]]:
        """(question id, stored answer), in the order given."""
        return list(self._state.answers)

    @property
    def asked(self) -> list[str]:
        return [qid for qid, _ in self._state.answers]

    @property
    def case(self) -> Case:
        return self._state.case

    def question(self, question_id: str) -> Question:
        question = self.catalogue.by_id.get(question_id)
        if question is None:
            raise AnswerError(question_id, "no such question", "question")
        if not question.asked_in(self.mode):
            raise AnswerError(question_id, f"not asked in {self.mode} mode (clinician-only)", "question")
        return question

    def _build(self, answers: tuple[tuple[str, Value], ...], culprit: str = "-") -> _State:
        # What the answers say of the case's items (engine/items.py), the setting first; an answer's
        # values read the case so far (the single pain score follows the leg and back scores given).
        told: list[tuple[Item, Any]] = [(Item(ItemKind.SETTING), self.setting)]
        so_far = items.apply(Case(id=self.case_id), told)
        return self._build_on((), told, so_far, answers, culprit)

    def _build_on(
        self,
        before: tuple[tuple[str, Value], ...],
        told: list[tuple[Item, Any]],
        so_far: Case,
        answers: tuple[tuple[str, Value], ...],
        culprit: str,
    ) -> _State:
        """The state of the answers ``before`` (which said ``told`` and made ``so_far``) followed
        by ``answers``."""
        for question_id, value in answers:
            step = said(self.catalogue.by_id[question_id], value, so_far)
            so_far = items.apply(so_far, step)
            told += step
        case = items.case_of(told, id=self.case_id)  # made and validated once, as every way in
        try:
            encoded = encode_case(case, self.compiled)
        except CaseError as error:
            raise AnswerError(culprit, f"conflicts with other answers ({error})") from None
        return _State((*before, *answers), case, tuple(told), so_far, encoded)

    def _checked(self, question_id: str, raw: Value) -> tuple[Question, Value]:
        question = self.question(question_id)
        return question, normalise(question, raw, self.compiled)

    # ------------------------------------------------------------------ answering
    def answer(self, question_id: str, value: Value) -> None:
        """Record an answer. Unknown question, repeated question or bad value: AnswerError."""
        question, stored = self._checked(question_id, value)
        if question.id in self.asked:
            raise AnswerError(question.id, "already answered; use change() to correct it", "question")
        state = self._state
        if state.so_far is None:
            self._state = self._build((*state.answers, (question.id, stored)), question.id)
        else:  # the answers so far are applied already: only the new one is (the same case)
            self._state = self._build_on(
                state.answers, list(state.told), state.so_far, ((question.id, stored),), question.id
            )

    def back(self) -> tuple[str, Value]:
        """Undo the last answer and return it."""
        if not self._state.answers:
            raise AnswerError("-", "nothing to undo: no question has been answered")
        last = self._state.answers[-1]
        self._state = self._build(self._state.answers[:-1])
        return last

    def change(self, question_id: str, value: Value) -> None:
        """Replace an earlier answer, keeping its place in the order."""
        question, stored = self._checked(question_id, value)
        if question.id not in self.asked:
            raise AnswerError(question.id, "not answered yet; use answer()")
        answers = tuple((qid, stored if qid == question.id else v) for qid, v in self._state.answers)
        self._state = self._build(answers, question.id)

    # ------------------------------------------------------------------ derived
    def current_assessment(self) -> Assessment:
        """The same Assessment ``nervemap assess`` gives for :attr:`case`."""
        if self._state.assessment is None:
            self._state.assessment = self._assess("full")
        return self._state.assessment

    def _conclusions(self) -> Assessment:
        """The assessment the policy reads (triage, probabilities, findings used): the headline,
        which is the full assessment without its evidence record (issue 16), or the full one when
        it is already made."""
        state = self._state
        if state.assessment is not None:
            return state.assessment
        if state.headline is None:
            state.headline = self._assess("headline")
        return state.headline

    def _assess(self, detail: Detail) -> Assessment:
        """``assess(case, detail=detail)`` from the case's encoding made when it was checked (the
        same Assessment: assess encodes the case and computes the headline of that encoding)."""
        state = self._state
        if state.encoded is None:
            return assess(state.case, self.compiled, detail=detail)
        return to_assessment(self.compiled, headline_one(self.compiled, state.case, state.encoded), detail)

    def step(self) -> Step:
        state = self._state
        if state.step is None:
            state.step = next_step(
                self.catalogue,
                self.compiled,
                self.mode,
                self.asked,
                state.case,
                self._conclusions(),
                self.config,
                checkin=self.checkin,
                encoded=state.encoded,
            )
        return state.step

    def next_question(self) -> Question | None:
        return self.step().question

    @property
    def finished(self) -> bool:
        return self.step().question is None

    @property
    def stop_reason(self) -> StopReason | None:
        return self.step().stop

    def why(self, question_id: str) -> str:
        """Plain reason for asking a question now."""
        question = self.question(question_id)
        step = self.step()
        if step.question is not None and step.question.id == question.id:
            return step.why
        return why_for(question, self.case, self.catalogue, self.compiled, self.mode, self.config)

    def red_flag(self) -> dict[str, str] | None:
        """What the red flag that stopped the interview says (level, reason, patient advice), or None."""
        step = self.step()
        if step.stop != StopReason.RED_FLAG:
            return None
        if self._state.red_flag is None:
            triage = self._conclusions().triage
            self._state.red_flag = {
                "level": triage.level.value,
                "reason": triage.reason,
                "patient_advice": triage.patient_advice,
            }
        return self._state.red_flag

    # ------------------------------------------------------------------ the computed step, saved
    def saved_step(self) -> dict[str, Any]:
        """The current step as JSON, to keep beside :meth:`to_json` (issue 16): a reader shows it with
        :func:`restore_step` instead of replaying the answers and ranking every question again. It
        names the state it belongs to by a key over the saved state, the catalogue, the knowledge
        base, the policy settings and the nervemap version, so it is never used for another one."""
        step = self.step()
        state = self._state
        if state.key is None:
            state.key = step_key(json.loads(self.to_json()), self.catalogue, self.compiled, self.config)
            kept = (self.mode, self.setting, self.case_id, self.checkin, state)
            _recent_states(self.compiled).keep(state.key, kept)
        return {
            "format": STEP_FORMAT,
            "key": state.key,
            "question": step.question.id if step.question is not None else None,
            "why": step.why,
            "stop": step.stop.value if step.stop is not None else None,
            "red_flag": self.red_flag(),
        }

    # ------------------------------------------------------------------ save and resume
    def to_json(self) -> str:
        state = self._state
        if state.text is None:
            state.text = self._dump()
        return state.text

    def _dump(self) -> str:
        saved = _SavedSession(
            format=FORMAT,
            version=FORMAT_VERSION,
            mode=self.mode,
            setting=self.setting,
            case_id=self.case_id,
            checkin=self.checkin,
            catalogue_version=self.catalogue.version,
            knowledge_version=self.compiled.knowledge.version,
            answers=[_Answer(question=q, value=v) for q, v in self._state.answers],
        )
        return saved.model_dump_json(indent=2)

    @classmethod
    def from_json(
        cls,
        text: str | bytes,
        *,
        catalogue: Catalogue | None = None,
        compiled: CompiledKnowledge | None = None,
        config: PolicyConfig | None = None,
        step: dict[str, Any] | None = None,
    ) -> InterviewSession:
        """The saved session; ``step``: its :meth:`saved_step`, used when it belongs to this state."""
        try:
            payload = json.loads(text)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise SessionError(f"not a saved interview: not valid JSON ({error})") from None
        return cls.from_saved(payload, catalogue=catalogue, compiled=compiled, config=config, step=step)

    @classmethod
    def from_saved(
        cls,
        payload: Any,
        *,
        catalogue: Catalogue | None = None,
        compiled: CompiledKnowledge | None = None,
        config: PolicyConfig | None = None,
        step: dict[str, Any] | None = None,
        key: str | None = None,
    ) -> InterviewSession:
        """:meth:`from_json` of the saved text already parsed (a stored interview's ``state``);
        ``key``: its :func:`step_key` under the same catalogue, knowledge base and policy, when made.

        A state this process saved itself (:meth:`saved_step`) and still keeps is taken as it was
        instead of replayed (issue 16: no replay of the answers on each step): it is found by the
        step key, a SHA-256 over the whole saved state and the catalogue, knowledge base, policy
        and version it was made under, so any other state, even one differing in a byte, is read and
        replayed."""
        compiled = compiled or default_compiled()
        catalogue = catalogue or catalogue_for(compiled)
        config = config or PolicyConfig()
        if isinstance(payload, dict) and payload.get("format") == FORMAT:
            if key is None:
                key = step_key(payload, catalogue, compiled, config)
            kept = _recent_states(compiled).get(key)
            if kept is not None:
                mode, setting, case_id, checkin, state = kept
                session = cls(
                    mode,
                    setting,
                    case_id,
                    catalogue=catalogue,
                    compiled=compiled,
                    config=config,
                    checkin=checkin,
                    _state=state,
                )
                session._restore_step(step, payload, key)
                return session
        saved = _read(payload)
        session = cls(
            saved.mode,
            saved.setting,
            saved.case_id,
            catalogue=catalogue,
            compiled=compiled,
            config=config,
            checkin=saved.checkin,
            _state=_State((), Case()),  # replaced by the replay below
        )
        session._state = session._replay(saved)
        session._restore_step(step, payload, key)
        return session

    def _restore_step(self, step: dict[str, Any] | None, payload: dict[str, Any], key: str | None) -> None:
        state = self._state
        if state.step is not None:
            return  # this very state's step, computed in this process
        restored = restore_step(step, payload, self.catalogue, self.compiled, self.config, key)
        if restored is not None:
            state.step, state.red_flag = restored

    def restore(self, text: str | bytes) -> None:
        """Replace this session's state with a saved one; on any error nothing changes."""
        saved = _read(text)
        if saved.mode != self.mode:
            raise SessionError(f"the saved session is in {saved.mode} mode, this one in {self.mode} mode")
        setting, case_id, checkin = self.setting, self.case_id, self.checkin
        self.setting, self.case_id, self.checkin = saved.setting, saved.case_id, saved.checkin
        try:
            state = self._replay(saved)
        except SessionError:
            self.setting, self.case_id, self.checkin = setting, case_id, checkin
            raise
        self._state = state

    def _replay(self, saved: _SavedSession) -> _State:
        answers: list[tuple[str, Value]] = []
        seen: set[str] = set()
        for i, item in enumerate(saved.answers):
            try:
                question, stored = self._checked(item.question, item.value)
            except AnswerError as error:
                raise SessionError(f"saved answer {i + 1}: {error}") from None
            if question.id in seen:
                raise SessionError(f"saved answer {i + 1}: question '{question.id}' answered twice")
            seen.add(question.id)
            answers.append((question.id, stored))
        try:
            return self._build(tuple(answers))
        except AnswerError as error:
            raise SessionError(f"saved answers do not fit together: {error}") from None


_Kept = tuple[Mode, Setting, "str | None", bool, _State]
RECENT_STATES = 4096  # states kept per knowledge base in a process (each some kB)


class _RecentStates:
    """The states this process saved lately (:meth:`InterviewSession.saved_step`), by step key, so
    the next answer to a saved interview starts from its state instead of replaying every answer.
    Bounded (least recently used out first); shared by the service's request threads."""

    def __init__(self, limit: int = RECENT_STATES) -> None:
        self._limit = limit
        self._states: OrderedDict[str, _Kept] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> _Kept | None:
        with self._lock:
            kept = self._states.get(key)
            if kept is not None:
                self._states.move_to_end(key)
            return kept

    def keep(self, key: str, kept: _Kept) -> None:
        with self._lock:
            self._states[key] = kept
            self._states.move_to_end(key)
            while len(self._states) > self._limit:
                self._states.popitem(last=False)


def _recent_states(compiled: CompiledKnowledge) -> _RecentStates:
    return held(compiled, "interview_recent_states", lambda _: _RecentStates())


def _read(source: str | bytes | Any) -> _SavedSession:
    """The saved session in ``source``: its JSON text, or that text parsed."""
    if isinstance(source, str | bytes):
        try:
            payload = json.loads(source)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise SessionError(f"not a saved interview: not valid JSON ({error})") from None
    else:
        payload = source
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise SessionError("not a saved nervemap interview (no 'format': 'nervemap-interview-session')")
    if payload.get("version") != FORMAT_VERSION:
        raise SessionError(
            f"saved interview version {payload.get('version')!r} is not supported (expected {FORMAT_VERSION})"
        )
    try:
        return _SavedSession.model_validate(payload)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise SessionError(f"saved interview is damaged: {problems}") from None


def _digest(model: BaseModel) -> str:
    """A digest of the whole content (a version string may stay the same while the data change)."""
    return hashlib.sha256(model.model_dump_json().encode()).hexdigest()


def step_key(
    state: dict[str, Any], catalogue: Catalogue, compiled: CompiledKnowledge, config: PolicyConfig
) -> str:
    """The key of a saved state (``to_json()``, parsed) under this catalogue, knowledge base (their
    content), policy settings and nervemap version."""
    from nervemap import __version__

    # each digest kept on the object it is of (no process-wide table keyed by id())
    knowledge = held(compiled, "interview_knowledge_digest", lambda c: _digest(c.knowledge))
    serving = [catalogue.digest, knowledge, astuple(config), __version__]
    canonical = json.dumps([state, serving], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def restore_step(
    saved: dict[str, Any] | None,
    state: dict[str, Any],
    catalogue: Catalogue,
    compiled: CompiledKnowledge,
    config: PolicyConfig,
    key: str | None = None,
) -> tuple[Step, dict[str, str] | None] | None:
    """The step saved by :meth:`InterviewSession.saved_step` for ``state`` (``to_json()``, parsed), or
    None when there is none, or it was saved for another state, catalogue, knowledge base, policy
    or version (then the step is computed again). ``key``: ``step_key`` of the same, when made."""
    if not isinstance(saved, dict) or saved.get("format") != STEP_FORMAT:
        return None
    if saved.get("key") != (key if key is not None else step_key(state, catalogue, compiled, config)):
        return None
    question_id = saved.get("question")
    question = catalogue.by_id.get(question_id) if isinstance(question_id, str) else None
    if question_id is not None and question is None:
        return None
    stop = saved.get("stop")
    try:
        reason = StopReason(stop) if stop is not None else None
    except ValueError:
        return None
    red_flag = saved.get("red_flag")
    return Step(question, why=str(saved.get("why", "")), stop=reason), red_flag if isinstance(
        red_flag, dict
    ) else None
