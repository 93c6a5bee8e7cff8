"""Speed without changing what is found: the characters a regex's match can begin with.

A pattern that starts with a look-behind (every rule pattern does: ``(?<![\\w/])``) cannot use the
regex engine's fast scan for its first character, so ``finditer`` tries it at every position of
a note. When every match must begin with one of a few letters or digits, the same matches are
found by trying the pattern only where a word begins with one of them.
"""

from __future__ import annotations

import functools
import itertools
import re
import string
from collections.abc import Callable, Iterator
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any, TypeVar

T = TypeVar("T")

_ALNUM = frozenset(string.ascii_lowercase + string.digits)
_ZERO_WIDTH = {sre.AT, sre.ASSERT, sre.ASSERT_NOT}
_ATOMIC = getattr(sre, "ATOMIC_GROUP", None)
_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT)}


class _Unknown(Exception):
    """The first characters cannot be bounded (any character, a negated class, a back-reference)."""


def _class(items: list[tuple[Any, Any]]) -> set[str]:
    out: set[str] = set()
    for op, value in items:
        if op is sre.LITERAL:
            out.add(chr(value))
        elif op is sre.RANGE:
            low, high = value
            if high - low > 400:
                raise _Unknown
            out.update(chr(c) for c in range(low, high + 1))
        elif op is sre.CATEGORY and value is sre.CATEGORY_DIGIT:
            out.update(string.digits)
        else:
            raise _Unknown
    return out


def _first(items: Any) -> tuple[set[str], bool]:
    """(characters a match of the sequence can begin with, whether it can match nothing)."""
    chars: set[str] = set()
    for op, value in items:
        if op in _ZERO_WIDTH:
            continue  # look-arounds only narrow the matches: the set stays a superset
        if op is sre.LITERAL:
            chars.add(chr(value))
            return chars, False
        if op is sre.IN:
            chars |= _class(value)
            return chars, False
        if op is sre.SUBPATTERN:
            inner, empty = _first(value[-1])
        elif _ATOMIC is not None and op is _ATOMIC:
            inner, empty = _first(value)
        elif op is sre.BRANCH:
            inner, empty = set(), False
            for alternative in value[1]:
                got, alt_empty = _first(alternative)
                inner |= got
                empty = empty or alt_empty
        elif op in _REPEATS:
            low, _, body = value
            inner, empty = _first(body)
            empty = empty or low == 0
        else:
            raise _Unknown
        chars |= inner
        if not empty:
            return chars, False
    return chars, True


def first_characters(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Lower-case ASCII letters and digits every match of ``pattern`` begins with, or None when
    that cannot be shown (a match may be empty or begin with another character)."""
    try:
        chars, empty = _first(sre_parse.parse(pattern.pattern, pattern.flags))
    except _Unknown:
        return None
    if empty or not chars:
        return None
    lowered = frozenset(c.lower() for c in chars)
    if pattern.flags & re.IGNORECASE:
        # a letter that folds to an ASCII one under IGNORECASE ("K" Kelvin sign -> "k")
        lowered = frozenset(c.lower() if c.lower() in _ALNUM else c for c in lowered)
    return lowered if lowered <= _ALNUM else None


# the non-ASCII letters Python's IGNORECASE matches to ASCII ones (dotted I, dotless i, long s, Kelvin)
_FOLDING = re.compile("[\u0130\u0131\u017f\u212a]")


def has_folding_letters(text: str) -> bool:
    """Whether ``text`` holds a letter that a case-blind ASCII pattern matches but a word scan
    over ASCII letters does not see; such a text is scanned the plain way."""
    return not text.isascii() and _FOLDING.search(text) is not None


def _starts_at_word(items: Any) -> bool:
    """Whether a match can only begin where the character before is not a word character: a
    leading ``(?<![\\w...])`` or ``\b`` (the first character being a letter or digit)."""
    for op, value in items:
        if op is sre.ASSERT_NOT and value[0] < 0:
            body = value[1]
            if len(body) == 1 and body[0][0] is sre.IN and (sre.CATEGORY, sre.CATEGORY_WORD) in body[0][1]:
                return True
            continue
        if op is sre.AT:
            if value is sre.AT_BOUNDARY:
                return True
            continue
        if op is sre.ASSERT:
            continue
        if op is sre.SUBPATTERN:
            return _starts_at_word(value[-1])
        if op is sre.BRANCH:
            return all(_starts_at_word(alternative) for alternative in value[1])
        return False
    return False


_WORD = re.compile(r"[A-Za-z0-9]+")


@functools.lru_cache(maxsize=16)
def _word_starts(text: str) -> dict[str, list[int]]:
    """Where each run of ASCII letters and digits begins, by its lower-case first character."""
    out: dict[str, list[int]] = {}
    for match in _WORD.finditer(text):
        out.setdefault(match.group(0)[0].lower(), []).append(match.start())
    return out


# a pattern that can begin with more letters than this is left to the regex engine's own scan (most
# words would be tried); up to 20 (the ten digits and a few letters: durations, temperatures, pain
# scores) trying the words costs fewer instructions than the engine's scan (callgrind, P s17)
_MOST_FIRSTS = 20
_PATTERNS_KEPT = 8192  # patterns remembered per cache, then forgotten all at once


def per_pattern(derive: Callable[[re.Pattern[str]], T]) -> Callable[[re.Pattern[str]], T]:
    """``derive(pattern)`` computed once per pattern object, looked up by identity.

    Not ``functools.lru_cache``: a compiled pattern's hash is computed from its whole compiled
    code on every call (CPython's ``pattern_hash``), 3-8 microseconds for a rule pattern, and the
    readers look their patterns up some fifty times a note. The pattern is kept with its value,
    so an id is never taken for a different, later pattern."""
    cache: dict[int, tuple[re.Pattern[str], T]] = {}

    @functools.wraps(derive)
    def cached(pattern: re.Pattern[str]) -> T:
        got = cache.get(id(pattern))
        if got is not None and got[0] is pattern:
            return got[1]
        value = derive(pattern)
        if len(cache) >= _PATTERNS_KEPT:
            cache.clear()
        cache[id(pattern)] = (pattern, value)
        return value

    return cached


@per_pattern
def _word_firsts(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """The first characters of a pattern whose matches begin at a word, else None."""
    firsts = first_characters(pattern)
    if firsts is None or len(firsts) > _MOST_FIRSTS:
        return None  # most words would be tried: the regex engine's own scan is faster
    if not _starts_at_word(sre_parse.parse(pattern.pattern, pattern.flags)):
        return None
    return firsts


def finditer(
    pattern: re.Pattern[str], text: str, pos: int = 0, endpos: int | None = None
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text, pos, endpos)``, the same matches in the same order; for a pattern
    whose matches begin at a word with known letters, tried only at those words; none tried in a
    text without the pattern's :func:`required_literals`."""
    end = len(text) if endpos is None else endpos
    folding = has_folding_letters(text)
    if not folding and not literal_gate(text).may_match(required_literals(pattern)):
        return  # the text lacks the literal words every match holds
    firsts = _word_firsts(pattern)
    if firsts is None or folding:
        yield from pattern.finditer(text, pos, end)
        return
    starts = _word_starts(text)
    lists = [starts[c] for c in firsts if c in starts]
    candidates = lists[0] if len(lists) == 1 else sorted(itertools.chain.from_iterable(lists))
    resume = pos
    for position in candidates:
        if position < resume:
            continue
        if position >= end:
            break
        match = pattern.match(text, position, end)
        if match:
            yield match
            resume = match.end()


def search(
    pattern: re.Pattern[str], text: str, pos: int = 0, endpos: int | None = None
) -> re.Match[str] | None:
    """``pattern.search(text, pos, endpos)``, tried as :func:`finditer` does."""
    return next(finditer(pattern, text, pos, endpos), None)


class AnyMatch:
    """Which of several patterns match anywhere in a text (``pattern.search``), in one pass over
    the text's words for the patterns that begin at a word with known letters; a pattern whose
    :func:`required_literals` the text lacks is not tried (judged for all at once, :class:`LiteralBits`)."""

    def __init__(self, patterns: dict[str, re.Pattern[str]]) -> None:
        self.patterns = patterns
        self.gated: list[tuple[int, str, re.Pattern[str], frozenset[str]]] = []
        self.plain: list[tuple[int, str, re.Pattern[str]]] = []
        for index, (key, pattern) in enumerate(patterns.items()):
            firsts = _word_firsts(pattern)
            if firsts is None:
                self.plain.append((index, key, pattern))
            else:
                self.gated.append((index, key, pattern, firsts))
        self._literals = LiteralBits([required_literals(pattern) for pattern in patterns.values()])

    def found(self, text: str) -> set[str]:
        if has_folding_letters(text):
            return {key for key, pattern in self.patterns.items() if pattern.search(text)}
        possible = self._literals.possible(literal_gate(text).lowered)
        out = {key for index, key, pattern in self.plain if possible[index] and pattern.search(text)}
        starts = _word_starts(text)
        for index, key, pattern, firsts in self.gated:
            if not possible[index]:
                continue  # the text lacks the literal words every match holds
            if _matches_at(pattern, text, [starts[c] for c in firsts if c in starts]):
                out.add(key)
        return out


def _matches_at(pattern: re.Pattern[str], text: str, positions: list[list[int]]) -> bool:
    """Whether ``pattern`` matches ``text`` at one of the positions."""
    for listed in positions:
        for position in listed:
            if pattern.match(text, position):
                return True
    return False


# a literal shorter than this is in almost every note: checking it rules out nothing
_SHORTEST_LITERAL = 3
_MOST_LITERAL_GROUPS = 3


def _literal_groups(items: Any) -> list[frozenset[str]]:
    """Sets of lower-case literal strings such that every match holds one string of each set.

    Only what a match cannot do without is collected: runs of literal characters, groups and
    repeats of at least one, alternations where every alternative holds one (their union);
    optional parts, look-arounds, classes and anything else add nothing (the result is a
    necessary condition, never a sufficient one)."""
    groups: list[frozenset[str]] = []
    run: list[str] = []

    def flush() -> None:
        if len(run) >= _SHORTEST_LITERAL:
            groups.append(frozenset(["".join(run)]))
        run.clear()

    for op, value in items:
        if op is sre.LITERAL and chr(value).isascii():
            run.append(chr(value).lower())
            continue
        flush()
        if op is sre.SUBPATTERN:
            groups += _literal_groups(value[-1])
        elif _ATOMIC is not None and op is _ATOMIC:
            groups += _literal_groups(value)
        elif op in _REPEATS and value[0] >= 1:
            groups += _literal_groups(value[2])
        elif op is sre.BRANCH:
            alternatives = [_literal_groups(alternative) for alternative in value[1]]
            if all(alternatives):
                groups.append(frozenset().union(*(max(a, key=_weakest) for a in alternatives)))
    flush()
    return groups


def _weakest(group: frozenset[str]) -> int:
    return min(len(literal) for literal in group)


@per_pattern
def required_literals(pattern: re.Pattern[str]) -> tuple[tuple[str, ...], ...]:
    """Lower-case strings a text must hold for ``pattern`` to match anywhere in it: one string
    of each tuple (at most a few tuples, those of the longest strings). A text without them has
    no match: its lower-case form lacks the literal characters every match is made of (for a
    text with :func:`has_folding_letters`, do not rely on this). ``()``: nothing is known."""
    try:
        parsed = sre_parse.parse(pattern.pattern, pattern.flags)
    except re.error:
        return ()
    groups = sorted(set(_literal_groups(parsed)), key=lambda g: (-_weakest(g), sorted(g)))
    return tuple(tuple(sorted(group)) for group in groups[:_MOST_LITERAL_GROUPS])


class LiteralGate:
    """Which patterns can match one text, judged by :func:`required_literals` (each literal
    looked up in the text once)."""

    def __init__(self, text: str) -> None:
        self.lowered = text.lower()
        self.found: dict[str, bool] = {}

    def holds(self, literal: str) -> bool:
        seen = self.found.get(literal)
        if seen is None:
            seen = self.found[literal] = literal in self.lowered
        return seen

    def may_match(self, needs: tuple[tuple[str, ...], ...]) -> bool:
        """Whether the text holds one literal of each group of ``needs`` (``all`` of ``any``
        :meth:`holds`, as plain loops: asked for every reader pattern of every note)."""
        found = self.found
        for group in needs:
            for literal in group:
                seen = found.get(literal)
                if seen is None:
                    seen = found[literal] = literal in self.lowered
                if seen:
                    break
            else:
                return False
        return True


@functools.lru_cache(maxsize=16)
def _triples(lowered: str) -> frozenset[tuple[str, ...]]:
    """The character triples of a text (kept for the few texts being read: the rule matcher and
    the readers' :class:`AnyMatch` sift the same note)."""
    return frozenset(zip(lowered, lowered[1:], lowered[2:], strict=False))


class LiteralBits:
    """Which of a fixed set of patterns' :func:`required_literals` one text holds, judged for all
    of them in one pass: each literal is one bit, and a literal is looked up in the text only when
    the text holds its first three characters (one set of the text's character triples instead
    of a substring search per literal). The same answers as :meth:`LiteralGate.may_match` for
    each pattern's needs."""

    _ANY = 1  # bit 0 is set in every text: it pads a pattern's needs to _MOST_LITERAL_GROUPS masks

    def __init__(self, needs: list[tuple[tuple[str, ...], ...]]) -> None:
        literals = sorted({literal for groups in needs for group in groups for literal in group})
        bits = {literal: 1 << (i + 1) for i, literal in enumerate(literals)}
        self._by_triple: dict[tuple[str, ...], list[tuple[str, int]]] = {}
        self._short: list[tuple[str, int]] = []  # none in practice: literals have 3+ characters
        for literal, bit in bits.items():
            if len(literal) < 3:
                self._short.append((literal, bit))
            else:
                self._by_triple.setdefault(tuple(literal[:3]), []).append((literal, bit))
        self._masks: list[tuple[int, ...]] = []
        for groups in needs:
            masks = [sum(bits[literal] for literal in group) for group in groups]
            self._masks.append(tuple(masks + [self._ANY] * (_MOST_LITERAL_GROUPS - len(masks))))
        if any(len(groups) > _MOST_LITERAL_GROUPS for groups in needs):
            raise ValueError("more literal groups than required_literals gives")

    def held(self, lowered: str) -> int:
        """The bits of the literals ``lowered`` (a lower-cased text) holds."""
        held = self._ANY
        by_triple = self._by_triple
        for triple in _triples(lowered).intersection(by_triple):
            for literal, bit in by_triple[triple]:
                if literal in lowered:
                    held |= bit
        for literal, bit in self._short:
            if literal in lowered:
                held |= bit
        return held

    def possible(self, lowered: str) -> list[bool]:
        """Per pattern, in order: whether the text holds one literal of each of its groups."""
        held = self.held(lowered)
        return [bool(held & a and held & b and held & c) for a, b, c in self._masks]


@functools.lru_cache(maxsize=16)
def literal_gate(text: str) -> LiteralGate:
    """The :class:`LiteralGate` of a text (kept for the few texts being read: every reader
    pattern of a note looks its literals up in the same one)."""
    return LiteralGate(text)
