"""Text rules whose literal words are not in a note are not tried on it (issue 16 item 6), and
the mentions found are exactly those found when every rule is tried: compared on every note of
the golden, development and root-level sets."""

from __future__ import annotations

import re

import pytest

from nervemap.nlp import scan
from nervemap.nlp.matching import Mention, matchers
from nervemap.nlp.scan import LiteralGate, required_literals
from tests.nlp.test_scan import NOTES


def _key(mentions: list[Mention]) -> list[tuple[object, ...]]:
    return [(m.kind, m.key, m.start, m.end, m.text, m.rule, m.regions) for m in mentions]


def test_gated_mentions_equal_ungated_on_every_note(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = matchers()
    gated = [_key(rules.mentions(note)) for note in NOTES]
    monkeypatch.setattr(LiteralGate, "may_match", lambda self, needs: True)
    rules._word_entries.clear()
    ungated = [_key(rules.mentions(note)) for note in NOTES]
    differ = [note[:60] for note, a, b in zip(NOTES, gated, ungated, strict=True) if a != b]
    assert differ == []
    assert sum(map(len, gated)) > 5000  # the notes do hold mentions


def test_the_gate_leaves_out_most_rules_of_a_typical_note() -> None:
    rules = matchers()
    needs = [required_literals(entry.compiled.pattern) for entry in rules.always]
    kept = sum(LiteralGate(note).may_match(n) for note in NOTES[:100] for n in needs)
    assert kept < len(needs) * 100 / 2


@pytest.mark.parametrize(
    ("regex", "flags", "expected"),
    [
        (r"saddle\s+numbness", re.IGNORECASE, (("numbness",), ("saddle",))),
        (r"(?:Cough\w*|sneez\w*)\s+worse", 0, (("cough", "sneez"), ("worse",))),
        (r"legs?\s+pain", 0, (("pain",), ("leg",))),  # the optional "s" is not required
        (r"(?:numb|\d+)\s+feet", 0, (("feet",),)),  # one alternative holds no literal
        (r"(?:very\s+)?weak", 0, (("weak",),)),  # an optional part requires nothing
        (r"(?:ab){2}c", 0, ()),  # runs shorter than three letters rule out nothing
        (r"(?=.*cauda)x", 0, ()),  # a look-ahead is not part of the match
        (r"caf\u00e9s", 0, (("caf",),)),  # a non-ASCII letter ends the run
    ],
)
def test_required_literals(regex: str, flags: int, expected: tuple[tuple[str, ...], ...]) -> None:
    assert required_literals(re.compile(regex, flags)) == expected


@pytest.mark.parametrize(
    ("regex", "flags", "text"),
    [
        (r"saddle\s+numbness", re.IGNORECASE, "Reports SADDLE   Numbness today"),
        (r"(?:Cough\w*|sneez\w*)\s+worse", 0, "Coughing worse; sneezes worse"),
        (r"(?:very\s+)?weak\s+(?:left|right)\s+leg", re.IGNORECASE, "Weak Left leg"),
    ],
)
def test_a_text_with_a_match_passes_the_gate(regex: str, flags: int, text: str) -> None:
    pattern = re.compile(regex, flags)
    assert pattern.search(text)
    assert LiteralGate(text).may_match(required_literals(pattern))


def test_a_text_with_folding_letters_reads_as_ungated(monkeypatch: pytest.MonkeyPatch) -> None:
    """'\u212a' (Kelvin sign) matches 'k' case-blind, but its lower-case form is not 'k': such a
    note is not gated, and reads as it does with every rule tried."""
    notes = [note.replace("k", "\u212a") for note in NOTES[:40] if "k" in note]
    assert notes and all(scan.has_folding_letters(note) for note in notes)
    rules = matchers()
    gated = [_key(rules.mentions(note)) for note in notes]
    monkeypatch.setattr(LiteralGate, "may_match", lambda self, needs: True)
    assert [_key(rules.mentions(note)) for note in notes] == gated
