"""A denial's scope ends at a new clause (the words are in ``nlp/data/context_clauses.yaml``).

ConText lets a negation run to the end of its sentence unless a termination term stands between the
trigger and the target. In "No trauma, and sudden calf pain began yesterday" the new clause's verb comes
after its subject, so no termination term can end the "No" before "calf pain"; here the clause itself
ends the scope: a forward denial stops at a boundary whose clause holds a finite verb (or says what
it names was found: "No fever, saddle numbness present"), and a denial
that looks back ("bladder symptoms denied") reaches back over a list of items but not over a clause
or a "with" phrase before it. Only negations are limited: a history or a hypothesis is left to ConText.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict

_NEGATION = "NEGATED_EXISTENCE"
_HYPOTHETICAL = "HYPOTHETICAL"
# the span label of a target that is a red-flag finding (knowledge base ``red_flag: true``)
RED_FLAG_LABEL = "RED_FLAG"
# the span label of a target that is a symptom or a history finding (not a sign of the examination);
# a span may carry both labels, joined by a space
SYMPTOM_LABEL = "SYMPTOM"
# the negation rules of nlp/data/context.yaml that deny only the symptom right before them ("Fever absent.",
# "Saddle numbness not present."): after a sign "absent" is the finding ("ankle jerk absent", "pulses absent")
# (by name and by the phrases pipeline.as_literals makes of their patterns)
SYMPTOM_ONLY_DENIALS = frozenset(
    {"X absent", "X not present", "absent"}
    | {f"{neg} {word}" for neg in ("not", "n't") for word in ("present", "noted", "found", "reported")}
)
# punctuation that makes the words before a trailing denial a labelled list ("..., saddle numbness: none")
_LIST_LABELS = frozenset({":", "-", "\u2013", "\u2014"})


class ClauseWords(BaseModel):
    """The words that mark where a clause begins (see the data file for why each list exists)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    boundaries: frozenset[str]
    relativisers: frozenset[str]
    finite_verbs: frozenset[str]
    phrase_words: frozenset[str]
    anaphors: frozenset[str]
    list_predicates: frozenset[str]
    predicate_fillers: frozenset[str]
    affirmations: frozenset[str]
    disjunctions: frozenset[str]
    onset_words: frozenset[str]
    negators: frozenset[str]
    functions: frozenset[str]
    max_item_words: int
    plan_words: frozenset[str]
    procedure_words: frozenset[str]
    procedure_endings: tuple[str, ...]
    phrase_denials: frozenset[str]
    list_closers: frozenset[str]


@functools.cache
def clause_words() -> ClauseWords:
    """The clause words, read once per process."""
    text = resources.files("nervemap.nlp.data").joinpath("context_clauses.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    if not isinstance(raw, dict):
        raise ValueError("context_clauses.yaml: expected a mapping of word lists")
    lowered: dict[str, int | list[str] | tuple[str, ...]] = {
        key: value if isinstance(value, int) else [str(w).lower() for w in value]
        for key, value in raw.items()
    }
    endings = raw.get("procedure_endings", [])
    lowered["procedure_endings"] = tuple(str(w).lower() for w in endings)
    return ClauseWords.model_validate(lowered)


def _has_verb(doc: Any, start: int, end: int, words: ClauseWords) -> bool:
    """The tokens ``start:end`` hold a finite verb that is not in a relative clause."""
    for i in range(start, end):
        lower = doc[i].lower_
        if lower in words.relativisers:
            return False
        if lower in words.finite_verbs and not _predicate_of_the_list(doc, i + 1, end, words):
            return True
    return False


def _predicate_of_the_list(doc: Any, start: int, end: int, words: ClauseWords) -> bool:
    """The verb before ``start`` says the denied items were not reported ("... or Z were reported")."""
    i = start
    while i < end and doc[i].lower_ in words.predicate_fillers:
        i += 1
    return i < end and doc[i].lower_ in words.list_predicates


def _next_boundary(doc: Any, start: int, end: int, words: ClauseWords) -> int:
    return next((i for i in range(start, end) if doc[i].lower_ in words.boundaries), end)


def _affirms(doc: Any, start: int, end: int, words: ClauseWords) -> bool:
    """The tokens ``start:end`` say something was found ("saddle numbness present") or date it as new
    ("new saddle numbness today", "saddle numbness since this morning") and are not the end of a list
    joined by "or" ("saddle numbness or retention present") nor a denial of their own ("saddle numbness
    not present")."""
    lowered = [doc[i].lower_ for i in range(start, end)]
    if words.disjunctions.intersection(lowered):
        return False
    for word in lowered:
        if word in words.negators:
            return False
        if word in words.affirmations or word in words.onset_words:
            return True
    return False


def _forward_allows(doc: Any, modifier_end: int, target_start: int, words: ClauseWords) -> bool:
    """No boundary between a denial and its target opens a clause with a verb of its own, or one
    that says what it names was found."""
    sentence_end = doc[target_start].sent.end
    for i in range(modifier_end, target_start):
        if doc[i].lower_ not in words.boundaries:
            continue
        segment_end = _next_boundary(doc, i + 1, sentence_end, words)
        if _has_verb(doc, i + 1, segment_end, words) or _affirms(doc, i + 1, segment_end, words):
            return False
    return True


def _list_item(doc: Any, modifier_end: int, target_start: int, words: ClauseWords) -> bool:
    """A target past a comma after "without" is an item of the list it opens: the segments from the first
    comma on, up to one that closes the list ("or", "nor", "and"), are short, and the target stands in one."""
    sentence_end = doc[target_start].sent.end
    commas = [i for i in range(modifier_end, target_start) if doc[i].text in (",", ";")]
    if not commas:
        return True
    start = commas[0] + 1
    while start < sentence_end:
        end = next((i for i in range(start, sentence_end) if doc[i].text in (",", ";")), sentence_end)
        closer = next((i for i in range(start, end) if doc[i].lower_ in words.list_closers), None)
        # the item's words (up to the closer: what follows "or" is the list's last item)
        item = [i for i in range(start, end if closer is None else closer) if not doc[i].is_punct]
        if len(item) > words.max_item_words:
            return False
        if closer is not None and end > target_start:
            return True
        start = end + 1
    return False


def _backward_allows(doc: Any, target_start: int, modifier_start: int, words: ClauseWords) -> bool:
    """No segment between a target and the denial after it (the target's own too) is a clause or a phrase."""
    sentence_start = doc[target_start].sent.start
    boundaries = [i for i in range(sentence_start, modifier_start) if doc[i].lower_ in words.boundaries]
    own = range(boundaries[-1] + 1 if boundaries else sentence_start, modifier_start)
    if any(doc[j].lower_ in words.anaphors for j in own):
        return True  # "..., but that this has now resolved": the denial points back across the clause
    for at, i in enumerate(boundaries):
        if i < target_start:
            continue
        segment_start = boundaries[at - 1] + 1 if at else sentence_start
        before = {doc[j].lower_ for j in range(segment_start, i)}
        if (
            _has_verb(doc, segment_start, i, words)
            or words.phrase_words & before
            or i - segment_start > words.max_item_words
        ):
            return False
    return True


def _nearest_or_labelled(doc: Any, target: Any, modifier_start: int, words: ClauseWords) -> bool:
    """The target is the item right before a trailing denial, or the list it stands in is labelled
    (a colon or a dash before the denial, or a heading colon before the target: "Red flags: ...")."""
    if not any(doc[i].lower_ in words.boundaries for i in range(target.end, modifier_start)):
        return True
    # the denial's own first token ("...: none") or the one before it ("... - denied")
    if doc[modifier_start].text in _LIST_LABELS or doc[max(modifier_start - 1, 0)].text in _LIST_LABELS:
        return True
    return any(doc[i].text == ":" for i in range(target.sent.start, target.start))


def clause_allows(target: Any, modifier: Any, _between: Any) -> bool:
    """medspaCy's ``on_modifies`` callback for a negation rule: whether the denial ``modifier`` (a span)
    reaches ``target`` (a span) within its own clause.

    A trailing denial after an unlabelled list ("Saddle numbness and urinary retention, fever none.")
    is ambiguous: the whole list denied, or only its last item. For a red-flag finding the reading
    that cannot hide an emergency is kept: only the nearest item, or every item of a labelled list,
    is denied (reviewer R, session 13; docs/safety.md H1). Other findings take the list reading."""
    words = clause_words()
    if modifier.end <= target.start:
        if target.doc[modifier.start].lower_ in words.phrase_denials and not _list_item(
            target.doc, modifier.end, target.start, words
        ):
            return False
        return _forward_allows(target.doc, modifier.end, target.start, words)
    if target.end <= modifier.start:
        if not _backward_allows(target.doc, target.start, modifier.start, words):
            return False
        return RED_FLAG_LABEL not in target.label_.split() or _nearest_or_labelled(
            target.doc, target, modifier.start, words
        )
    return True


def symptom_denial_allows(target: Any, modifier: Any, _between: Any) -> bool:
    """medspaCy's ``on_modifies`` callback of a denial that only a symptom takes ("Fever absent.",
    "Saddle numbness not present."): the target is a symptom or a history finding, stands right before
    the denial (no boundary between: "Leg pain, reflexes absent" keeps the pain) and names no function
    whose absence is itself the finding ("saddle sensation absent", "anal tone absent")."""
    words = clause_words()
    if SYMPTOM_LABEL not in target.label_.split() or not target.end <= modifier.start:
        return False
    doc = target.doc
    between = range(target.start, modifier.start)
    if any(doc[i].lower_ in words.boundaries or doc[i].lower_ in words.functions for i in between):
        return False
    return clause_allows(target, modifier, _between)


def _names_a_procedure(target: Any, words: ClauseWords) -> bool:
    """The target's words name an operation or a procedure ("hip replacement", "laminectomy")."""
    return any(
        token.lower_ in words.procedure_words or token.lower_.endswith(words.procedure_endings)
        for token in target
    )


def plan_allows(target: Any, modifier: Any, _between: Any) -> bool:
    """medspaCy's ``on_modifies`` callback of a planned operation ("surgery was planned", "awaiting a hip
    replacement"): the target names an operation or a procedure and stands in the modifier's own phrase, with
    no clause boundary, punctuation or phrase word ("for", "after", "since", ...) between them, so that a
    symptom is never made hypothetical ("awaiting an MRI for saddle numbness") and an operation that is done
    stays done ("booked for a scan after her hip replacement")."""
    words = clause_words()
    if not _names_a_procedure(target, words):
        return False
    doc = target.doc
    if modifier.end <= target.start:
        between = range(modifier.end, target.start)
    elif target.end <= modifier.start:
        between = range(target.end, modifier.start)
    else:
        return True
    return not any(
        doc[i].is_punct or doc[i].lower_ in words.boundaries or doc[i].lower_ in words.phrase_words
        for i in between
    )


def _is_plan(rule: Any, words: ClauseWords) -> bool:
    """A hypothesis rule that says an operation is planned (its words hold one of the plan words)."""
    return rule.category.upper() == _HYPOTHETICAL and bool(
        words.plan_words.intersection(rule.literal.lower().split())
    )


def limit_negations_to_their_clause(rule: Any) -> Any:
    """The ConText ``rule`` with :func:`clause_allows` as its callback when it is a negation without one
    (:func:`symptom_denial_allows` for the denials only a symptom takes), and with :func:`plan_allows` when it
    says an operation is planned."""
    if rule.on_modifies is not None:
        return rule
    if rule.category.upper() == _NEGATION:
        rule.on_modifies = symptom_denial_allows if rule.literal in SYMPTOM_ONLY_DENIALS else clause_allows
    elif _is_plan(rule, clause_words()):
        rule.on_modifies = plan_allows
    return rule
