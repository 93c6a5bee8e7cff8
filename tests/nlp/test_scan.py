"""The speed-ups of the text reader find exactly what a plain scan finds (issue 16 item 6).

Rule patterns without a first-word trigger and the side-word pattern are tried only where a word
begins with a letter their matches can begin with; these tests compare that with ``finditer`` on
every note of the golden, development and root-level sets.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from nervemap.nlp import matching, scan, sides
from nervemap.nlp.matching import matchers
from nervemap.nlp.pipeline import annotate
from nervemap.nlp.scan import first_characters, has_folding_letters
from nervemap.nlp.sides import _SIDE, _side_matches

ROOT = Path(__file__).parents[2]


def _notes() -> list[str]:
    files = sorted((ROOT / "tests" / "golden").glob("*.jsonl")) + sorted(
        (ROOT / "tests" / "data").glob("*.jsonl")
    )
    texts: dict[str, None] = {}
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            text = json.loads(line).get("text") if line.strip() else None
            if isinstance(text, str) and text:
                texts[text] = None
    return list(texts)


NOTES = _notes()


def _spans(matches: object) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in matches]  # type: ignore[attr-defined]


def test_there_are_notes() -> None:
    assert len(NOTES) > 400


@pytest.mark.parametrize(
    ("regex", "flags", "expected"),
    [
        (r"(?<![\w/])(?:(?:a\s+)?(?:cough\w*|sneez\w*))(?![\w])", re.IGNORECASE, {"a", "c", "s"}),
        (r"(?<![\w/])(?:\d+\s*cm)", 0, set("0123456789")),
        (r"(?<![\w/])(?:(?<!slowly\s)\b(?:Progressive|worse))", re.IGNORECASE, {"p", "w"}),
        (r"(?:x)?", 0, None),  # may match nothing
        (r".abc", 0, None),  # any character
        (r"[^a]bc", 0, None),  # a negated class
        (r"\(abc", 0, None),  # not a letter or digit
    ],
)
def test_first_characters(regex: str, flags: int, expected: set[str] | None) -> None:
    got = first_characters(re.compile(regex, flags))
    assert (set(got) if got is not None else None) == expected


def test_most_untriggered_rules_are_gated() -> None:
    m = matchers()
    ungated = [i for i in range(len(m.always)) if i not in m._gated_indices]
    # a rule whose match cannot be told by its first characters (a sentence-start anchor, a '#' or '(' first)
    # must at least need literals the note holds, so that it runs only on the notes that could match it
    assert all(m._needs[i] for i in ungated), [m.always[i].key for i in ungated if not m._needs[i]]
    # (4 since E s17's warm-limb closer, anchored at a sentence's start: emergencies.yaml cold_pale_limb)
    assert len(ungated) <= 4, [m.always[i].key for i in ungated]


def test_rule_mentions_same_as_plain_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    m = matchers()
    fast = [m.mentions(text) for text in NOTES]
    monkeypatch.setattr(matching, "has_folding_letters", lambda text: True)  # the plain finditer path
    plain = [m.mentions(text) for text in NOTES]
    assert fast == plain


def test_folding_letters_use_the_plain_scan() -> None:
    # the Kelvin sign matches "k" in a case-blind pattern but is not an ASCII letter
    assert has_folding_letters("\u212anee pain")
    assert not has_folding_letters("knee pain")
    assert not has_folding_letters("genou douloureux é")
    text = "Reduced sensation over the \u212anee on the left; ſeveral falls"
    assert _spans(_side_matches(text, 0, len(text))) == _spans(_SIDE.finditer(text, 0, len(text)))


def test_side_words_same_as_plain_scan() -> None:
    compared = 0
    for text in NOTES:
        windows = [(0, len(text)), *annotate(text).sentences]
        for start, end in windows:
            assert _spans(_side_matches(text, start, end)) == _spans(_SIDE.finditer(text, start, end))
            compared += 1
    assert compared > 3000
    sides._side_starts.cache_clear()


def _reader_patterns() -> list[re.Pattern[str]]:
    from nervemap.nlp import read_patient, read_scores, read_setting, read_values
    from nervemap.nlp.knowledge import text_knowledge

    values = read_values._compiled(text_knowledge())
    patterns = [*values.names.values(), *values.named.values(), *values.unit_required.values()]
    patterns += [values.blood_pressure, values.unnamed_temperature]
    patterns += [regex for entries in values.qualitative.values() for regex, _ in entries]
    patterns += [
        *read_patient._DURATIONS,
        read_scores._BEFORE,
        read_scores._SLASH_FIRST,
        read_scores._SCORE_ONLY,
    ]
    patterns += [pattern for _, pattern in read_setting._patterns()]
    return patterns


def test_reader_patterns_same_as_plain_scan() -> None:
    patterns = _reader_patterns()
    assert sum(scan._word_firsts(p) is not None for p in patterns) > len(patterns) // 2
    for text in NOTES:
        for pattern in patterns:
            assert _spans(scan.finditer(pattern, text)) == _spans(pattern.finditer(text))
        middle = len(text) // 3
        for pattern in patterns[:20]:
            got = scan.finditer(pattern, text, middle, 2 * middle)
            assert _spans(got) == _spans(pattern.finditer(text, middle, 2 * middle))


def test_context_same_as_medspacy() -> None:
    """nlp.pipeline.context_attributes gives each mention the attributes ConText itself sets."""
    from nervemap.nlp.pipeline import SPAN_GROUP, context_attributes, nlp

    pipeline = nlp()
    context = pipeline.get_pipe("medspacy_context")
    flagged = 0
    for text in NOTES:
        doc = pipeline.make_doc(text)
        for name, component in pipeline.pipeline:
            if name == "medspacy_context":
                break
            doc = component(doc)
        spans = [doc.char_span(m.start, m.end, alignment_mode="expand") for m in matchers().mentions(text)]
        spans = [s for s in spans if s is not None and len(s)]
        if not spans:
            continue
        ours = context_attributes(context, doc, spans, list(doc.sents))
        doc.spans[SPAN_GROUP] = spans
        doc = context(doc)
        names = ("is_negated", "is_historical", "is_hypothetical", "is_family", "is_uncertain")
        theirs = [{a: True for a in names if getattr(span._, a)} for span in doc.spans[SPAN_GROUP]]
        assert [{a: v for a, v in found.items() if v} for found in ours] == theirs
        flagged += sum(bool(t) for t in theirs)
    assert flagged > 500


def test_any_match_same_as_search() -> None:
    from nervemap.nlp import read_values
    from nervemap.nlp.knowledge import text_knowledge

    names = read_values._compiled(text_knowledge()).names
    finder = scan.AnyMatch(names)
    assert finder.gated
    named = 0
    for text in [*NOTES, "Hb 8.9 and \u212a+ 6.1"]:
        expected = {key for key, pattern in names.items() if pattern.search(text)}
        assert finder.found(text) == expected
        named += bool(expected)
    assert named > 50
