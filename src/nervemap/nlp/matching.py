"""Find rule mentions in text: compiled patterns for findings, tests, regions, symptoms,
dermatomes, muscles and reflexes, and the cue words that grade them."""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from nervemap.nlp.rules import Compiled, PhraseSet, compiler, load_rules
from nervemap.nlp.scan import (
    LiteralBits,
    first_characters,
    has_folding_letters,
    literal_gate,
    required_literals,
)

# "onset": an onset word ("sudden", "abruptly"), a target of its own for ConText (nlp/onset.py)
MentionKind = Literal[
    "finding", "test", "region", "symptom", "dermatome", "movement", "reflex", "lesion", "onset"
]


@dataclass
class Mention:
    """A stretch of text a rule recognised; ``flags`` are filled in by ConText."""

    kind: MentionKind
    key: str  # finding id, test finding id, symptom kind, movement, reflex, lesion kind, root list
    start: int
    end: int
    text: str
    rule: int = -1  # index of the finding rule, for finding mentions
    regions: tuple[str, ...] = ()
    flags: set[str] = field(default_factory=set)

    @property
    def asserted(self) -> bool:
        return not self.flags


@dataclass(frozen=True)
class Entry:
    compiled: Compiled
    kind: MentionKind
    key: str
    regions: tuple[str, ...] = ()
    rule: int = -1


_WORD = re.compile(r"[A-Za-z0-9]+")
_WORD_CACHE = 50_000  # distinct words remembered, then forgotten all at once


class Matchers:
    """Every pattern, indexed by the first-word prefixes that can start a match, so that a
    note is read word by word instead of pattern by pattern."""

    def __init__(self, entries: list[Entry], dermatome: re.Pattern[str]) -> None:
        self.dermatome = dermatome
        self.by_trigger: dict[str, list[Entry]] = {}
        self.always: list[Entry] = []
        # always-entries whose matches begin with known letters: tried only where a word does
        self.gated: dict[str, list[tuple[int, Entry]]] = {}
        self._word_entries: dict[str, tuple[tuple[re.Pattern[str] | None, tuple[Entry, ...]], ...]] = {}
        self._prechecks: dict[str, re.Pattern[str] | None] = {}
        for entry in entries:
            if entry.compiled.triggers is None:
                firsts = first_characters(entry.compiled.pattern)
                for char in firsts or ():
                    self.gated.setdefault(char, []).append((len(self.always), entry))
                self.always.append(entry)
            else:
                for trigger in set(entry.compiled.triggers):
                    self.by_trigger.setdefault(trigger, []).append(entry)
        self._gated_indices = {index for pairs in self.gated.values() for index, _ in pairs}
        # the literals a note must hold for each always-entry to match it (scan.required_literals)
        self._needs = [required_literals(entry.compiled.pattern) for entry in self.always]
        # the same, judged for all of them in one pass (scan.LiteralBits)
        self._literal_bits = LiteralBits(self._needs)

    def _possible(self, lowered: str) -> list[bool]:
        """Per always-entry, whether the note (lower-cased) holds one literal of each of its
        groups (``LiteralGate.may_match`` of its needs, for all of them in one pass)."""
        return self._literal_bits.possible(lowered)

    def _for_word(self, lowered: str) -> tuple[tuple[re.Pattern[str] | None, tuple[Entry, ...]], ...]:
        """The entries a word can start, in the order its prefixes give them, as (pre-check,
        entries) per prefix (kept per word: a note's words are mostly the same few thousand)."""
        groups = self._word_entries.get(lowered)
        if groups is None:
            groups = tuple(
                (self._precheck(lowered[:k]), tuple(self.by_trigger[lowered[:k]]))
                for k in range(1, len(lowered) + 1)
                if lowered[:k] in self.by_trigger
            )
            if len(self._word_entries) >= _WORD_CACHE:
                self._word_entries.clear()
            self._word_entries[lowered] = groups
        return groups

    def _precheck(self, prefix: str) -> re.Pattern[str] | None:
        """One pattern that matches at a position if and only if one of the entries of
        ``prefix`` does there (the alternation of their patterns, each with its own flags), or
        None when a single entry is as cheap. A word starts ~8 entries and they seldom match:
        one call into the regex engine instead of one per entry. Compiled on first use."""
        if prefix in self._prechecks:
            return self._prechecks[prefix]
        entries = self.by_trigger[prefix]
        precheck = None
        if len({id(entry.compiled.pattern) for entry in entries}) > 1:
            precheck = _alternation([entry.compiled.pattern for entry in entries])
        self._prechecks[prefix] = precheck
        return precheck

    def _raw(self, text: str) -> dict[MentionKind, list[Mention]]:
        found: dict[MentionKind, list[Mention]] = {}

        def add(entry: Entry, match: re.Match[str]) -> None:
            if match.end() > match.start():
                found.setdefault(entry.kind, []).append(
                    Mention(
                        entry.kind,
                        entry.key,
                        match.start(),
                        match.end(),
                        match.group(0),
                        entry.rule,
                        entry.regions,
                    )
                )

        gate = not has_folding_letters(text)
        # an always-entry (tried at every word with its first letters) whose literal words are
        # not in the note cannot match it: not tried. Sifted once per note and first letter.
        # (A first-word entry is tried only at its own words: a check would cost what it saves.)
        literals = literal_gate(text) if gate else None
        possible = self._possible(literals.lowered) if literals else []
        gated_here: dict[str, list[tuple[int, Entry]]] = {}
        # per gated always-entry: its matches, and where its next match may begin (as finditer)
        gated: dict[int, list[re.Match[str]]] = {}
        resume: dict[int, int] = {}
        for word in _WORD.finditer(text):
            lowered = word.group(0).lower()
            start = word.start()
            for precheck, entries in self._for_word(lowered):
                skip = 0
                if precheck is not None:
                    hit = precheck.match(text, start)
                    if hit is None:
                        continue  # none of these entries matches here
                    # the alternation takes its first branch that matches: the entries before
                    # that one do not match here (each branch is one entry's pattern, a group)
                    skip = hit.lastindex - 1 if hit.lastindex else 0
                for entry in entries[skip:] if skip else entries:
                    match = entry.compiled.pattern.match(text, start)
                    if match:
                        add(entry, match)
            if literals is not None:
                first = lowered[0]
                by_first = gated_here.get(first)
                if by_first is None:
                    by_first = gated_here[first] = [
                        (index, entry) for index, entry in self.gated.get(first, ()) if possible[index]
                    ]
                for index, entry in by_first:
                    if start < resume.get(index, 0):
                        continue
                    match = entry.compiled.pattern.match(text, start)
                    if match:
                        gated.setdefault(index, []).append(match)
                        resume[index] = match.end()
        for index, entry in enumerate(self.always):
            if gate and index in self._gated_indices:
                matches: Iterable[re.Match[str]] = gated.get(index, ())
            elif literals is None or possible[index]:
                matches = entry.compiled.pattern.finditer(text)
            else:
                continue
            for match in matches:
                add(entry, match)
        return found

    def mentions(self, text: str) -> list[Mention]:
        raw = self._raw(text)
        out: list[Mention] = _drop_contained(raw.get("finding", []))
        kinds: tuple[MentionKind, ...] = ("test", "region", "symptom", "movement", "reflex", "lesion")
        for kind in kinds:
            out += _longest(raw.get(kind, []))
        for match in self.dermatome.finditer(text):
            roots = _roots(match.group(1))
            if roots:
                out.append(Mention("dermatome", ",".join(roots), match.start(), match.end(), match.group(0)))
        out.sort(key=lambda m: (m.start, -m.end))
        return out


# every rule pattern opens with this look-behind (rules._bounded): said once in an alternation
_BOUND = r"(?<![\w/])"
_FLAGS_OK = re.IGNORECASE | re.UNICODE


def _alternation(patterns: list[re.Pattern[str]]) -> re.Pattern[str] | None:
    """``(?:p1)|(?:p2)|...`` with each pattern's case flag kept in its own group: it matches at a
    position if and only if one of the patterns does (a top-level alternation backtracks into
    every branch). None when that cannot be built faithfully: other flags, groups (numbered or
    named groups and references would clash) or a pattern the combination does not compile."""
    branches = []
    shared = all(p.pattern.startswith(_BOUND) for p in patterns)
    for pattern in patterns:
        if pattern.groups or pattern.flags & ~_FLAGS_OK:
            return None
        body = pattern.pattern[len(_BOUND) :] if shared else pattern.pattern
        # each branch a group of its own, so that the match's ``lastindex`` names the branch
        branches.append(f"((?{'i' if pattern.flags & re.IGNORECASE else '-i'}:{body}))")
    try:
        return re.compile((_BOUND if shared else "") + "(?:" + "|".join(branches) + ")")
    except (re.error, RecursionError):
        return None


def _roots(listing: str) -> list[str]:
    """'L4 and L5' -> [L4, L5]; 'L4-5' -> [L4, L5]; 'L5/S1' -> [L5, S1]."""
    roots: list[str] = []
    letter = "L"
    for token in re.findall(r"[LS]?[1-5]", listing.upper()):
        if token[0] in "LS":
            letter = token[0]
            roots.append(token)
        else:
            roots.append(letter + token)
    return [r for r in dict.fromkeys(roots) if r in _ROOT_IDS]


_ROOT_IDS = {f"L{i}" for i in range(1, 6)} | {f"S{i}" for i in range(1, 6)}


_WINDOW = 400  # no mention is longer: kept mentions further back cannot overlap


class _Kept:
    """Kept mentions sorted by start, so a new one is checked against its neighbours only."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.items: list[Mention] = []

    def near(self, m: Mention) -> list[Mention]:
        low = bisect.bisect_left(self.starts, m.start - _WINDOW)
        high = bisect.bisect_right(self.starts, m.end)
        return self.items[low:high]

    def add(self, m: Mention) -> None:
        i = bisect.bisect_right(self.starts, m.start)
        self.starts.insert(i, m.start)
        self.items.insert(i, m)


def _longest(mentions: Iterable[Mention]) -> list[Mention]:
    """Greedy: keep the longest mention, drop any that overlaps it."""
    kept = _Kept()
    for m in sorted(mentions, key=lambda m: (-(m.end - m.start), m.start)):
        if all(m.end <= k.start or m.start >= k.end for k in kept.near(m)):
            kept.add(m)
    return kept.items


def _drop_contained(mentions: Iterable[Mention]) -> list[Mention]:
    """Findings may share words ("bowel or bladder dysfunction" gives three findings), but a
    mention wholly inside a longer one is the same words read twice ("numbness" inside
    "saddle numbness", "back pain" inside "low back pain") and is dropped."""
    kept = _Kept()
    for m in sorted(mentions, key=lambda m: (-(m.end - m.start), m.start)):
        near = kept.near(m)
        inside = any(
            k.start <= m.start and m.end <= k.end and (k.end - k.start) > (m.end - m.start) for k in near
        )
        duplicate = any(k.start == m.start and k.end == m.end and k.key == m.key for k in near)
        if not inside and not duplicate:
            kept.add(m)
    return kept.items


def _entries(
    source: PhraseSet | list[str],
    kind: MentionKind,
    key: str,
    regions: tuple[str, ...] = (),
    rule: int = -1,
    case_sensitive: bool = False,
) -> list[Entry]:
    comp = compiler()
    if isinstance(source, PhraseSet):
        compiled = comp.compile(source.phrases, source.regex, case_sensitive)
    else:
        compiled = comp.compile([], source, case_sensitive)
    return [Entry(c, kind, key, regions, rule) for c in compiled]


@functools.cache
def matchers() -> Matchers:
    rules = load_rules()
    body = rules.body
    entries: list[Entry] = []
    for index, rule in enumerate(rules.findings):
        source = PhraseSet(phrases=rule.phrases, regex=rule.regex)
        for finding_id in rule.ids:
            entries += _entries(source, "finding", finding_id, (), index, rule.case_sensitive)
    for test in rules.tests:
        entries += _entries(test.names, "test", test.finding)
    for region in body.regions:
        source = PhraseSet(phrases=region.phrases, regex=region.regex)
        entries += _entries(source, "region", "region", tuple(region.regions))
    for symptom_kind, words in body.symptoms.items():
        entries += _entries(words, "symptom", symptom_kind)
    for movement in body.movements:
        entries += _entries(
            PhraseSet(phrases=movement.phrases, regex=movement.regex), "movement", movement.movement
        )
    for reflex in body.reflexes:
        entries += _entries(PhraseSet(phrases=reflex.phrases, regex=reflex.regex), "reflex", reflex.reflex)
    for lesion_kind, patterns in body.lesions.items():
        entries += _entries(patterns, "lesion", lesion_kind)
    dermatome = re.compile(compiler().expand_terms(body.dermatome.regex[0]))
    return Matchers(entries, dermatome)
