"""The readers' speed gates change nothing read (issue 16 item 6): a note without a digit
has no age in numbers, the number-and-unit durations need a unit word, and the onset, child and
young-age patterns, like the onset words, are tried through ``scan`` (literal and word-start
gates), and no value pattern is tried on a note without a digit. Compared with the plain scans on
every note of the golden, development and root-level sets and on their sentences."""

from __future__ import annotations

import re
import types

import pytest

from nervemap.nlp import read_patient
from nervemap.nlp.draft import Draft
from nervemap.nlp.knowledge import text_knowledge
from nervemap.nlp.pipeline import annotate

from .test_scan import NOTES

_SHORT = [s for note in NOTES[:150] for s in re.split(r"(?<=[.!?])\s+", note) if len(s) > 20]
_EXTRA = [
    "A 3-week-old infant, febrile.",
    "Aged 70, back pain for three weeks.",
    "Sudden onset of leg pain x 2 days; 45 F.",
    "Child limping since yesterday, no trauma.",
    "Pain began suddenly ten days ago in the left calf.",
    "Back pain for many years, getting progressively worse.",
]


def _read(text: str) -> tuple[object, ...]:
    draft = Draft(annotate(text), text_knowledge())
    read_patient.read_patient(draft)
    return (draft.age, draft.sex, draft.duration_days, draft.onset, draft.findings, draft.items)


def test_gated_patient_reading_as_plain(monkeypatch: pytest.MonkeyPatch) -> None:
    notes = [*NOTES, *_SHORT, *_EXTRA]
    gated = [_read(text) for text in notes]
    everything = re.compile("")
    monkeypatch.setattr(read_patient, "_DIGIT", everything)
    monkeypatch.setattr(read_patient, "_UNIT_WORD", everything)
    plain_scan = types.SimpleNamespace(
        search=lambda pattern, text: pattern.search(text),
        finditer=lambda pattern, text: pattern.finditer(text),
    )
    monkeypatch.setattr(read_patient, "scan", plain_scan)
    plain = [_read(text) for text in notes]
    assert [n[:60] for n, a, b in zip(notes, gated, plain, strict=True) if a != b] == []
    assert sum(r[0] is not None for r in plain) > 300  # ages were read
    assert sum(r[2] is not None for r in plain) > 200  # and durations


def test_unit_word_is_in_every_number_and_unit_duration() -> None:
    unit = read_patient._UNIT_WORD
    for pattern in read_patient._DURATIONS[: read_patient._UNITLESS]:
        for text in ["for 3 weeks", "2-day history", "six months of pain", "x 2 days", "began two days ago"]:
            for match in pattern.finditer(text):
                assert unit.search(match.group(0)), (pattern.pattern, text)
    for pattern in read_patient._DURATIONS[read_patient._UNITLESS :]:
        assert "(?P<y>" in pattern.pattern  # the unitless ones are the fixed phrases


def test_onset_words_as_a_plain_scan() -> None:
    from nervemap.nlp.onset import SUDDEN, onset_words

    found = 0
    for text in [*NOTES, *_SHORT, *_EXTRA]:
        plain = [(m.start(), m.end(), m.group(0)) for m in SUDDEN.finditer(text)]
        assert onset_words(text) == plain
        found += len(plain)
    assert found > 20


def test_values_read_without_a_digit_gate(monkeypatch: pytest.MonkeyPatch) -> None:
    from nervemap.nlp import read_values

    def values(text: str) -> tuple[object, ...]:
        draft = Draft(annotate(text), text_knowledge())
        read_values.read_values(draft)
        return (draft.items, draft.measurements, draft.findings)

    notes = [*NOTES, *_SHORT, "Temp 38.4 C. Pulse 112/min", "CK normal, raised calcium"]
    gated = [values(text) for text in notes]
    monkeypatch.setattr(read_values, "_DIGIT", re.compile(""))
    assert [values(text) for text in notes] == gated
    assert sum(bool(g[1]) for g in gated) > 30  # values were read
