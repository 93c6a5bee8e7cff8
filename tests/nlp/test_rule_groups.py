"""Two speed-ups of the rule matching change nothing found (issue 16 item 6): which rules a note
can match is judged for all of them in one pass over their literals, as ``LiteralGate.may_match``
judges each; what is derived from a pattern is kept per pattern object (a pattern's hash is
computed from its whole compiled code on every call)."""

from __future__ import annotations

import re

from nervemap.nlp import scan
from nervemap.nlp.matching import matchers
from nervemap.nlp.scan import LiteralGate

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
