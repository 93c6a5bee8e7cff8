"""Hypothetical answers to one case as sparse changes to its encoding (issue 16 item 3).

The policy scores every candidate answer of every open question (~265 rows at the start of an
interview). Encoding each row from scratch (``apply`` then ``encode_case``) cost most of a step.
Here the current case is encoded once; an answer that only reports findings (yes/no, a side test,
a checklist: most rows) becomes a copy of that encoding with the reported findings' own entries
changed, as ``encode_case`` changes them: a finding reported present or absent is scored as such
(reported, so not site-scored), except an absent category of an exclusive group (only the one
that holds is scored) and "absent on this side" of a lateral finding already present.

That holds only for *plain* findings, whose report touches nothing else. Which findings are plain
is not written here but found by probing ``encode_case`` (:func:`plain_findings`): a finding that
also sets a lesion observation, a nerve-tension sign state or the laterality pattern is encoded
in full, and so is every other answer (sex or onset, a number, a body map, an examination,
imaging) and any answer to a finding the case already reports. The rows are the same numbers
either way: ``tests/interview/test_incremental.py`` compares them with ``encode_case`` on
interview states of the golden cases, and the question sequences of the old and new policy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from nervemap.engine.case import Case, ReportedFinding, SideOrBoth, Status
from nervemap.engine.compiled import CompiledKnowledge, FloatArray, held
from nervemap.engine.encode import BoolArray, CaseError, EncodedCase, encode_case
from nervemap.engine.encode_batch import encode_batch
from nervemap.engine.inference import condition_loglik, site_loglik
from nervemap.interview.answers import FindingChange, Value, apply, finding_changes
from nervemap.interview.catalogue import Kind, Question

IndexArray = npt.NDArray[np.intp]


@dataclass
class Row:
    """One hypothetical case's evidence: what :func:`nervemap.interview.scoring.score_rows` reads."""

    present: BoolArray  # (F,) scored present (not site-scored)
    absent: BoolArray  # (F,) scored absent
    observed: BoolArray  # (O,)
    unobserved: BoolArray  # (O,)
    signs: BoolArray  # (S,)
    setting: str

    def same_as(self, other: Row) -> bool:
        return self.setting == other.setting and all(
            np.array_equal(a, b)
            for a, b in (
                (self.present, other.present),
                (self.absent, other.absent),
                (self.observed, other.observed),
                (self.unobserved, other.unobserved),
                (self.signs, other.signs),
            )
        )

    @classmethod
    def of(cls, encoded: EncodedCase) -> Row:
        return cls(
            encoded.scored_present,
            encoded.scored_absent,
            encoded.observed_present,
            encoded.observed_absent,
            encoded.sign_states,
            encoded.setting,
        )


def stack(compiled: CompiledKnowledge, rows: Sequence[Row]) -> tuple[FloatArray, ...]:
    """The B x ... float matrices of ``rows`` (the layout of ``engine.assess.stack_encoded``)."""
    present = np.array([r.present for r in rows], dtype=np.float64)
    absent = np.array([r.absent for r in rows], dtype=np.float64)
    observed = np.array([r.observed for r in rows], dtype=np.float64)
    unobserved = np.array([r.unobserved for r in rows], dtype=np.float64)
    prior = np.array([compiled.log_prior[r.setting] for r in rows])
    signs = np.array([r.signs for r in rows], dtype=np.float64)
    return present, absent, observed, unobserved, prior, signs


def plain_findings(compiled: CompiledKnowledge, sided: bool = True) -> frozenset[str]:
    """The findings whose report changes only their own entries of the encoding; ``sided=False``:
    whose report *without a side* does (a leg symptom reported with its side also counts for the
    laterality pattern, reported without one it does not).

    Found by probing ``encode_case`` itself, so a rule added to the encoder later (a finding that
    also sets a lesion observation, a sign state or the laterality pattern) takes its findings out
    of the sparse path instead of silently diverging: each finding is reported present, absent and
    (when lateral and ``sided``) present on one side and on both, into an empty case and into one
    with a one-sided pain map, and must give exactly the sparse row."""
    return held(compiled, _plain_key(sided), lambda c: _find_plain(c, sided))


def _plain_key(sided: bool) -> str:
    return "interview_plain_sided" if sided else "interview_plain_unsided"


def _find_plain(compiled: CompiledKnowledge, sided: bool) -> frozenset[str]:
    legs = [r for r in compiled.knowledge.anatomy.regions if r.lateral][:2]
    probes = [
        Case(),
        Case.model_validate(
            {
                "pain_map": [{"region": r.id, "side": "left", "kind": "pain"} for r in legs],
                "age": 50,
                "duration_days": 30,
            }
        ),
    ]
    plain: set[str] = set()
    for finding in compiled.findings.values():
        statuses: list[tuple[Status, SideOrBoth | None]] = [(Status.PRESENT, None), (Status.ABSENT, None)]
        if finding.lateral and sided:
            statuses += [(Status.PRESENT, "left"), (Status.PRESENT, "bilateral")]
        if all(
            _same(
                _local(compiled, probe, [(finding.id, status, side)]),
                probe,
                compiled,
                finding.id,
                status,
                side,
            )
            for probe in probes
            for status, side in statuses
        ):
            plain.add(finding.id)
    return frozenset(plain)


def warm(compiled: CompiledKnowledge) -> None:
    """Find both sets of plain findings of ``compiled`` now (0.3-0.7 s of probing ``encode_case``),
    so that the first interview step of a process does not pay for it; the service calls this once
    when it builds the app (``nervemap.app.create_app``)."""
    plain_findings(compiled)
    plain_findings(compiled, sided=False)


def is_warm(compiled: CompiledKnowledge) -> bool:
    """Whether both sets of plain findings of ``compiled`` are already found."""
    return all(f"_{_plain_key(sided)}" in vars(compiled) for sided in (False, True))


def _same(
    row: Row | None,
    probe: Case,
    compiled: CompiledKnowledge,
    fid: str,
    status: Status,
    side: SideOrBoth | None,
) -> bool:
    if row is None:
        return False
    reported = ReportedFinding.model_construct(id=fid, status=status, side=side)
    try:
        full = Row.of(
            encode_case(probe.model_copy(update={"findings": [*probe.findings, reported]}), compiled)
        )
    except CaseError:
        return False
    return row.same_as(full)


def _local(compiled: CompiledKnowledge, case: Case, changes: Sequence[FindingChange]) -> Row | None:
    try:
        return _apply_local(compiled, encode_case(case, compiled), changes)
    except CaseError:
        return None


def _apply_local(compiled: CompiledKnowledge, base: EncodedCase, changes: Sequence[FindingChange]) -> Row:
    """``base`` with each reported finding scored as ``encode_case`` scores a report of it alone."""
    present, absent = base.present.copy(), base.absent.copy()
    site_scored = base.site_scored.copy()
    for fid, status, side in changes:
        if status == Status.UNKNOWN:
            continue  # unknown is never absent: nothing scored
        index = compiled.finding_index[fid]
        finding = compiled.findings[fid]
        value = status == Status.PRESENT
        if finding.lateral and side is not None and not value and present[index]:
            continue  # absent on one side, present on the other: the finding is present
        if finding.exclusive_group and not value:
            continue  # only the category that holds is scored
        present[index] = value
        absent[index] = not value
        site_scored[index] = False
    return Row(
        present & ~site_scored,
        absent & ~site_scored,
        base.observed_present,
        base.observed_absent,
        base.sign_states,
        base.setting,
    )


class CaseEncoder:
    """The current case, encoded once; :meth:`row` gives the case plus one answer."""

    def __init__(self, case: Case, compiled: CompiledKnowledge, encoded: EncodedCase | None = None) -> None:
        """``encoded``: ``encode_case(case, compiled)`` when already made (read, never changed)."""
        self.case = case
        self.compiled = compiled
        self.encoded = encode_case(case, compiled) if encoded is None else encoded
        self.current = Row.of(self.encoded)
        self._reported = {f.id for f in case.findings}
        self._plain = plain_findings(compiled)
        self._plain_unsided = plain_findings(compiled, sided=False)
        self.sparse_rows = 0
        self.full_rows = 0

    def row(self, question: Question, answer: Value) -> Row:
        """The evidence of the case with ``answer`` to ``question`` added."""
        return self.rows([(question, answer)])[0]

    def rows(self, answers: Sequence[tuple[Question, Value]]) -> list[Row]:
        """The evidence of the case with each (question, answer) added: sparse where the answer
        only reports plain findings, else the whole case encoded (all such rows in one batch)."""
        out: list[Row | None] = []
        full: list[tuple[int, Case]] = []
        for question, answer in answers:
            changes = finding_changes(question, answer)
            ids = [fid for fid, _, _ in changes or ()]
            if (
                changes is None
                or len(set(ids)) != len(ids)
                or any(
                    fid in self._reported
                    or fid not in (self._plain if side is not None else self._plain_unsided)
                    for fid, _, side in changes
                )
            ):
                # more than findings, or encode_case's cross-checks or wider rules: encode in full
                full.append((len(out), self.hypothetical(question, answer)))
                out.append(None)
            else:
                out.append(_apply_local(self.compiled, self.encoded, changes))
        self.sparse_rows += len(out) - len(full)
        self.full_rows += len(full)
        if full:
            batch = encode_batch([case for _, case in full], self.compiled)
            scored = ~batch.site_scored
            for k, (i, _) in enumerate(full):
                out[i] = Row(
                    batch.present[k] & scored[k],
                    batch.absent[k] & scored[k],
                    batch.observed_present[k],
                    batch.observed_absent[k],
                    batch.sign_states[k],
                    batch.settings[k],
                )
        return [row for row in out if row is not None]

    def hypothetical(self, question: Question, answer: Value, key: str | None = None) -> Case:
        """The case with ``answer`` to ``question`` added: ``apply(question, answer, case)``. An
        examination (strength, reflexes, sensory testing) appends its tests to one list of the
        case, a pain map or an imaging report replaces one: those entries, made once per (question,
        answer) and kept on the compiled knowledge, are put into a copy of the case instead of made
        again for each state (sampled answers recur). Kept only when the first case they are made
        for shows that this is exactly what ``apply`` gives. ``key``: the answer's
        key among the question's candidates (``Candidates.keys``), else its repr."""
        field = _memo_field(question)
        if field is None or (question.kind not in _REPORTS and not isinstance(answer, list)):
            return apply(question, answer, self.case)  # "unknown" to a list changes nothing
        name, append = field
        table = _entries_table(self.compiled)
        memo_key = (question.id, repr(answer) if key is None else key)
        found, entries = _recall(table, memo_key, question)
        if found:
            return (
                apply(question, answer, self.case) if entries is None else self._with(name, append, entries)
            )
        made = apply(question, answer, self.case)
        added: list[Any] = list(getattr(apply(question, answer, _EMPTY_CASE), name) or ())
        _keep(table, memo_key, question, added if self._with(name, append, added) == made else None)
        return made

    def _with(self, name: str, append: bool, entries: list[Any]) -> Case:
        if append:
            entries = [*(getattr(self.case, name) or ()), *entries]
        return self.case.model_copy(update={name: list(entries)})

    def _split(
        self, answers: Sequence[tuple[Question, Value]], keys: Sequence[str | None]
    ) -> tuple[tuple[IndexArray, IndexArray, npt.NDArray[np.bool_]] | None, list[tuple[int, Case]]]:
        """The answers that only report plain findings as (row, column, present) changes to the current
        encoding, concatenated in row order (None when there are none), and the others as (row,
        hypothetical case) to encode in full. Counts both kinds."""
        compiled = self.compiled
        sparse = _sparse_table(compiled)
        reported = self._reported
        rows: list[int] = []  # each sparse row that sets columns, and how many
        counts: list[int] = []
        columns: list[IndexArray] = []
        values: list[npt.NDArray[np.bool_]] = []
        full: list[tuple[int, Case]] = []
        for i, (question, answer) in enumerate(answers):
            key = keys[i]
            entry = _sparse_entry(sparse, compiled, question, answer, self._plain, self._plain_unsided, key)
            if entry is None or not reported.isdisjoint(entry.ids):
                full.append((i, self.hypothetical(question, answer, key)))
                continue
            if len(entry.columns):
                rows.append(i)
                counts.append(len(entry.columns))
                columns.append(entry.columns)
                values.append(entry.values)
        self.sparse_rows += len(answers) - len(full)
        self.full_rows += len(full)
        if not columns:
            return None, full
        # each row's index once per column it sets (one repeat, not an array per row)
        row_index = np.repeat(np.array(rows, dtype=np.intp), counts)
        return (row_index, np.concatenate(columns), np.concatenate(values)), full

    def matrices(self, answers: Sequence[tuple[Question, Value]]) -> tuple[FloatArray, ...]:
        """``stack(compiled, self.rows(answers))`` built in one go: the sparse rows as copies of the
        current encoding with their reported findings' columns set by one indexed assignment (no
        row object per answer), the others encoded in full in one batch. The same numbers."""
        compiled = self.compiled
        n = len(answers)
        base = self.encoded
        scored = ~base.site_scored
        present = np.empty((n, len(base.present)), dtype=np.float64)
        absent = np.empty((n, len(base.absent)), dtype=np.float64)
        present[:] = base.present & scored
        absent[:] = base.absent & scored
        observed = np.empty((n, len(base.observed_present)), dtype=np.float64)
        unobserved = np.empty((n, len(base.observed_absent)), dtype=np.float64)
        signs = np.empty((n, len(base.sign_states)), dtype=np.float64)
        observed[:] = base.observed_present
        unobserved[:] = base.observed_absent
        signs[:] = base.sign_states
        settings = [base.setting] * n
        changes, full = self._split(answers, [None] * n)
        if changes is not None:
            r, c, v = changes
            present[r, c] = v
            absent[r, c] = ~v
        if full:
            batch = encode_batch([case for _, case in full], compiled)
            at = np.array([i for i, _ in full], dtype=np.intp)
            keep = ~batch.site_scored
            present[at] = batch.present & keep
            absent[at] = batch.absent & keep
            observed[at] = batch.observed_present
            unobserved[at] = batch.observed_absent
            signs[at] = batch.sign_states
            for k, (i, _) in enumerate(full):
                settings[i] = batch.settings[k]
        prior = np.array([compiled.log_prior[setting] for setting in settings]).reshape(n, -1)
        return present, absent, observed, unobserved, prior, signs

    def logliks(
        self, answers: Sequence[tuple[Question, Value]], keys: Sequence[str | None] | None = None
    ) -> tuple[FloatArray, ...]:
        """The log likelihoods of :meth:`matrices`' rows, what the policy scores: (B x C findings,
        B x H lesion observations, B x C log priors, B x S sign states). A sparse row is the current
        case's log likelihoods plus, for each finding its answer reports, that finding's new term
        less its old one (its lesion observations, signs and setting are the current case's); the
        rows encoded in full are summed as ``infer`` sums them. The same figures to rounding (the
        terms added in another order): the questions asked are compared with the reference policy
        in tests/interview/test_incremental.py. ``keys``: each answer's ``Candidates.keys``
        entry (None: its repr)."""
        compiled = self.compiled
        n = len(answers)
        if keys is None:
            keys = [None] * n
        base = self.encoded
        scored = ~base.site_scored
        base_present = base.present & scored
        base_absent = base.absent & scored
        current = stack(compiled, [self.current])
        base_cond = condition_loglik(compiled, current[0], current[1])
        base_site = site_loglik(compiled, current[2], current[3])
        cond_ll = np.repeat(base_cond, n, axis=0)
        site_ll = np.repeat(base_site, n, axis=0)
        prior = np.repeat(current[4], n, axis=0)
        signs = np.repeat(current[5], n, axis=0)
        changes, full = self._split(answers, keys)
        if changes is not None:
            r, c, v = changes
            terms = _condition_terms(compiled)
            n_findings = len(base.present)
            # a finding's term: log P(present | c) (row f), log P(absent | c) (row F + f), none (2F)
            new = np.where(v, c, n_findings + c)
            old = np.where(base_present[c], c, np.where(base_absent[c], n_findings + c, 2 * n_findings))
            # r is in row order: each row's changes are one run, summed by reduceat
            starts = np.flatnonzero(np.r_[True, r[1:] != r[:-1]])
            cond_ll[r[starts]] += np.add.reduceat(terms[new] - terms[old], starts, axis=0)
        if full:
            batch = encode_batch([case for _, case in full], compiled)
            at = np.array([i for i, _ in full], dtype=np.intp)
            keep = ~batch.site_scored
            cond_ll[at] = condition_loglik(
                compiled,
                (batch.present & keep).astype(np.float64),
                (batch.absent & keep).astype(np.float64),
            )
            site_ll[at] = site_loglik(
                compiled, batch.observed_present.astype(np.float64), batch.observed_absent.astype(np.float64)
            )
            signs[at] = batch.sign_states
            log_prior = compiled.log_prior
            prior[at] = np.array([log_prior[setting] for setting in batch.settings])
        return cond_ll, site_ll, prior, signs


def _condition_terms(compiled: CompiledKnowledge) -> FloatArray:
    """(2F + 1, C): log P(finding present | c) per finding, then log P(absent | c), then zeros."""

    def build(c: CompiledKnowledge) -> FloatArray:
        zeros = np.zeros((1, c.log_present.shape[0]))
        return np.ascontiguousarray(np.vstack([c.log_present.T, c.log_absent.T, zeros]))

    return held(compiled, "interview_condition_terms", build)


_EMPTY_CASE = Case()
_ENTRIES_LIMIT = 50_000  # answers kept per knowledge base (sampled ones: a bounded table)
_EntriesTable = dict[tuple[str, str], tuple[Question, "list[Any] | None"]]


# answers that only report findings (appended to the case's findings, whatever the answer)
_REPORTS = (Kind.YES_NO_UNKNOWN, Kind.SIDE_TEST)


def _memo_field(question: Question) -> tuple[str, bool] | None:
    """The list of the case an answer to ``question`` fills, and whether it appends to it (an
    examination, a reported finding) or replaces it (a pain map, an imaging report); None: another
    kind of answer."""
    if question.kind in _REPORTS:
        return "findings", True
    if question.kind == Kind.EXAM_STRENGTH:
        return "strength", True
    if question.kind == Kind.EXAM_REFLEX:
        return "reflexes", True
    if question.kind == Kind.BODY_MAP:
        return ("sensation", True) if question.target == "sensation" else ("pain_map", False)
    if question.kind == Kind.IMAGING:
        return "imaging", False
    return None


def _entries_table(compiled: CompiledKnowledge) -> _EntriesTable:
    return held(compiled, "interview_answer_entries", lambda _: {})


@dataclass(frozen=True)
class _SparseEntry:
    """One answer that reports only plain findings, each once: the columns it sets and their values
    (True: present), as :func:`_apply_local` sets them (unknown and the absent category of an
    exclusive group set nothing)."""

    ids: frozenset[str]
    columns: IndexArray
    values: npt.NDArray[np.bool_]


_NOT_SPARSE = "not-sparse"
_FINDING_KINDS = (Kind.YES_NO_UNKNOWN, Kind.SIDE_TEST, Kind.MULTI_CHOICE)  # answers finding_changes reads
_SparseTable = dict[tuple[str, str], tuple[Question, "_SparseEntry | str"]]


def _sparse_table(compiled: CompiledKnowledge) -> _SparseTable:
    return held(compiled, "interview_sparse_answers", lambda _: {})


def _sparse_entry(
    table: _SparseTable,
    compiled: CompiledKnowledge,
    question: Question,
    answer: Value,
    plain: frozenset[str],
    plain_unsided: frozenset[str],
    key: str | None = None,
) -> _SparseEntry | None:
    """The sparse form of ``answer`` to ``question`` (``key``: its candidate key, else its repr),
    or None when it must be encoded in full
    (more than findings, a finding twice, a finding that is not plain, or absent on one side);
    kept per (question, answer) on the compiled knowledge (the same question object: another
    catalogue's question of the same id is worked out again)."""
    if question.kind not in _FINDING_KINDS:
        return None  # sets more than findings (numbers, maps, examinations, imaging): not kept
    memo_key = (question.id, repr(answer) if key is None else key)
    found, entry = _recall(table, memo_key, question)
    if found:
        return entry if isinstance(entry, _SparseEntry) else None
    made = _make_entry(compiled, question, answer, plain, plain_unsided)
    _keep(table, memo_key, question, _NOT_SPARSE if made is None else made)
    return made


_V = TypeVar("_V")


def _recall(
    table: Mapping[tuple[str, str], tuple[Question, _V]], key: tuple[str, str], question: Question
) -> tuple[bool, _V | None]:
    """(True, value) when ``table`` keeps a value for ``key`` made for this very question object."""
    known = table.get(key)
    if known is not None and known[0] is question:
        return True, known[1]
    return False, None


def _keep(
    table: dict[tuple[str, str], tuple[Question, _V]], key: tuple[str, str], question: Question, value: _V
) -> None:
    """Keep ``value`` for ``key``; a full table is emptied first (sampled answers: bounded memory)."""
    if len(table) >= _ENTRIES_LIMIT:
        table.clear()
    table[key] = (question, value)


def _make_entry(
    compiled: CompiledKnowledge,
    question: Question,
    answer: Value,
    plain: frozenset[str],
    plain_unsided: frozenset[str],
) -> _SparseEntry | None:
    changes = finding_changes(question, answer)
    if changes is None:
        return None
    ids = [fid for fid, _, _ in changes]
    if len(set(ids)) != len(ids):
        return None
    columns: list[int] = []
    values: list[bool] = []
    for fid, status, side in changes:
        if fid not in (plain if side is not None else plain_unsided):
            return None
        if side is not None and status == Status.ABSENT:
            return None  # whether it counts depends on the case (see _apply_local): in full
        if status == Status.UNKNOWN:
            continue
        value = status == Status.PRESENT
        if compiled.findings[fid].exclusive_group and not value:
            continue
        columns.append(compiled.finding_index[fid])
        values.append(value)
    return _SparseEntry(frozenset(ids), np.array(columns, dtype=np.intp), np.array(values, dtype=bool))
