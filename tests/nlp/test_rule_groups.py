"""Speed-ups of the rule matching change nothing found (issue 16 item 6): which rules a note
can match is judged for all of them in one pass over their literals, as ``LiteralGate.may_match``
judges each; what is derived from a pattern is kept per pattern object (a pattern's hash is
computed from its whole compiled code on every call); the rules a word starts are tried one by
one only where their alternation matches."""

from __future__ import annotations

import re

import pytest

from nervemap.nlp import scan
from nervemap.nlp.matching import Matchers, _alternation, matchers
from nervemap.nlp.scan import LiteralBits, LiteralGate

from .test_scan import NOTES


def test_possible_rules_as_the_literal_gate() -> None:
    m = matchers()
    ruled_out = 0
    for text in [*NOTES, "", "x"]:
        gate = LiteralGate(text)
        possible = m._possible(gate.lowered)
        assert possible == [gate.may_match(needs) for needs in m._needs]
        ruled_out += possible.count(False)
    assert ruled_out > 10 * len(NOTES)


def test_per_pattern_derives_once_per_object() -> None:
    calls: list[str] = []

    @scan.per_pattern
    def length(pattern: re.Pattern[str]) -> int:
        calls.append(pattern.pattern)
        return len(pattern.pattern)

    first = re.compile("abc")
    assert length(first) == length(first) == 3
    other = re.compile("abcd")
    assert length(other) == 4
    assert calls == ["abc", "abcd"]


def test_per_pattern_values_as_derived() -> None:
    patterns = {entry.compiled.pattern for entry in matchers().always}
    for pattern in patterns:
        assert scan.required_literals(pattern) == scan.required_literals.__wrapped__(pattern)  # type: ignore[attr-defined]
        assert scan._word_firsts(pattern) == scan._word_firsts.__wrapped__(pattern)  # type: ignore[attr-defined]


def _found(m: Matchers, notes: list[str]) -> list[list[tuple[object, ...]]]:
    return [
        [(x.kind, x.key, x.start, x.end, x.text, x.rule, x.regions) for x in m.mentions(n)] for n in notes
    ]


def test_first_word_prechecks_change_no_mention(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rules a word starts are tried one by one only where their alternation matches: the
    same mentions as trying each of them at every word, on every note."""
    m = matchers()
    notes = [*NOTES, *(sentence for note in NOTES[:200] for sentence in note.split(". "))]
    with_prechecks = _found(m, notes)
    m._word_entries.clear()
    monkeypatch.setattr(Matchers, "_precheck", lambda self, prefix: None)
    plain = _found(m, notes)
    m._word_entries.clear()
    assert with_prechecks == plain
    assert sum(map(len, plain)) > 5000
    assert sum(p is not None for p in m._prechecks.values()) > 100  # the prechecks were used


def test_alternation_matches_where_one_pattern_does() -> None:
    patterns = [
        re.compile(r"(?<![\w/])(?:pain\s+in\s+the\s+back)(?![\w])", re.IGNORECASE),
        re.compile(r"(?<![\w/])(?:PAIN\s+score)(?![\w])"),  # case-sensitive: its own flag kept
    ]
    either = _alternation(patterns)
    assert either is not None
    for text in ["Pain in the BACK", "PAIN score 7", "Pain score 7", "pain in theback", "spain in the back"]:
        assert bool(either.match(text)) == any(p.match(text) for p in patterns), text


@pytest.mark.parametrize(
    "patterns",
    [
        [re.compile(r"(a)b"), re.compile("ab")],  # a group: numbers and references would clash
        [re.compile("ab", re.MULTILINE), re.compile("ab")],  # a flag other than the case
    ],
)
def test_alternation_refused_when_it_could_differ(patterns: list[re.Pattern[str]]) -> None:
    assert _alternation(patterns) is None


def test_literal_bits_as_the_literal_gate() -> None:
    needs = [(("numbness",), ("saddle",)), (("cough", "sneez"),), (), (("pai",), ("leg", "thigh"), ("left",))]
    bits = LiteralBits(needs)
    for text in [*NOTES[:300], "", "x", "saddle numbness", "Sneezing hurts the left thigh; pain"]:
        gate = LiteralGate(text)
        assert bits.possible(gate.lowered) == [gate.may_match(n) for n in needs]
