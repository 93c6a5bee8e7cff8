"""The draft every reader writes into: items with their provenance, and the case parts they
stand for. ``assemble`` turns a draft into a :class:`Case`, settling conflicts."""

from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass, field
from typing import Literal

from nervemap.engine.case import (
    ImagingFinding,
    Measurement,
    PainMark,
    ReflexTest,
    SensationTest,
    StrengthTest,
)
from nervemap.engine.records import exact_maker
from nervemap.knowledge.vocabulary import Onset, Sex
from nervemap.nlp.knowledge import TextKnowledge
from nervemap.nlp.matching import Mention
from nervemap.nlp.models import ExtractedItem, Flag, ItemKind, ItemStatus
from nervemap.nlp.pipeline import Annotated
from nervemap.nlp.sides import SideOrBoth, note_side

FLAG_ORDER: tuple[Flag, ...] = ("negated", "historical", "hypothetical", "family", "uncertain")

# The readers' items are made of values they checked themselves (a kind and a status of the model's
# literals, the note's own words and offsets, flags in FLAG_ORDER): built as validation would build
# them, without validating each again (tests/nlp/test_items_trusted.py validates them all).
_item = exact_maker(ExtractedItem)


@dataclass
class Draft:
    note: Annotated
    knowledge: TextKnowledge
    items: list[ExtractedItem] = field(default_factory=list)
    # finding id, status, side, specific (False: inferred from a vaguer phrase)
    findings: list[tuple[str, Literal["present", "absent"], SideOrBoth | None]] = field(default_factory=list)
    pain: list[PainMark] = field(default_factory=list)
    # marks from words naming an aspect ("front of the thigh"), not a whole part ("the thigh")
    pain_aspects: set[PainMark] = field(default_factory=set)
    # a mark from words naming a whole part -> the regions of that part ("thigh", "leg")
    pain_parts: dict[PainMark, frozenset[str]] = field(default_factory=dict)
    strength: list[tuple[StrengthTest, bool]] = field(default_factory=list)  # (test, specific)
    reflexes: list[tuple[ReflexTest, bool]] = field(default_factory=list)
    sensation: list[tuple[SensationTest, bool]] = field(default_factory=list)
    imaging: list[ImagingFinding] = field(default_factory=list)
    measurements: list[Measurement] = field(default_factory=list)
    age: float | None = None
    sex: Sex | None = None
    duration_days: float | None = None
    onset: Onset | None = None
    pain_scores: dict[Literal["leg", "back", "pain"], float] = field(default_factory=dict)  # 0-10
    warnings: list[str] = field(default_factory=list)
    _in_sentence: dict[tuple[tuple[int, int], tuple[str, ...]], list[Mention]] = field(
        default_factory=dict, repr=False, compare=False
    )

    @property
    def text(self) -> str:
        return self.note.text

    @functools.cached_property
    def side(self) -> SideOrBoth | None:
        """The note's only side, used for lateral items whose sentence names none."""
        return note_side(self.text)

    def add_item(
        self,
        kind: ItemKind,
        value: str,
        start: int,
        end: int,
        flags: set[str] | frozenset[str] = frozenset(),
        status: ItemStatus = "present",
    ) -> None:
        self.items.append(
            _item(
                {
                    "kind": kind,
                    "value": value,
                    "text": self.note.text[start:end],
                    "start": start,
                    "end": end,
                    "flags": [f for f in FLAG_ORDER if f in flags] if flags else [],
                    "status": status,
                }
            )
        )

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    @functools.cached_property
    def _starts(self) -> list[int]:
        return [s[0] for s in self.note.sentences]

    def sentence_of(self, position: int) -> tuple[int, int]:
        i = bisect.bisect_right(self._starts, position) - 1
        if i >= 0 and position < self.note.sentences[i][1]:
            return self.note.sentences[i]
        return (0, len(self.text))

    @functools.cached_property
    def _by_sentence(self) -> dict[tuple[int, int], list[Mention]]:
        out: dict[tuple[int, int], list[Mention]] = {}
        for m in self.note.mentions:
            out.setdefault(self.sentence_of(m.start), []).append(m)
        return out

    def in_sentence(self, sentence: tuple[int, int], kinds: tuple[str, ...]) -> list[Mention]:
        # the readers ask the same few questions of each sentence (~20 a note): each answered once
        # per note (the mentions are fixed once the note is annotated), a copy handed out
        known = self._in_sentence.get((sentence, kinds))
        if known is None:
            known = self._in_sentence[(sentence, kinds)] = [
                m for m in self._by_sentence.get(sentence, []) if m.kind in kinds and m.end <= sentence[1]
            ]
        return known.copy()


def assertion(flags: set[str], keep_historical: bool = False) -> ItemStatus:
    """present / absent / not asserted, from ConText flags."""
    others = flags - {"negated", "historical"}
    if others:
        return "not asserted"
    if "negated" in flags:
        return "absent"
    if "historical" in flags and not keep_historical:
        return "not asserted"
    return "present"
