"""Find rule mentions in text: compiled patterns for findings, tests, regions, symptoms,
dermatomes, muscles and reflexes, and the cue words that grade them."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal

from nervemap.nlp.rules import (
    Compiled,
    Compiler,
    FindingRule,
    PhraseSet,
    compiler,
    load_rules,
    word_prefixes,
)

MentionKind = Literal[
    "finding", "test", "region", "symptom", "dermatome", "movement", "reflex", "lesion"
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
class Table:
    """Patterns for one kind of mention, each with the key it yields."""

    entries: tuple[tuple[Compiled, str, tuple[str, ...], int], ...]

    def scan(self, text: str, kind: MentionKind, prefixes: frozenset[str]) -> Iterator[Mention]:
        for compiled, key, regions, rule in self.entries:
            if not compiled.may_match(prefixes):
                continue
            for match in compiled.pattern.finditer(text):
                if match.end() > match.start():
                    yield Mention(
                        kind, key, match.start(), match.end(), match.group(0), rule, regions
                    )


@dataclass(frozen=True)
class Matchers:
    findings: Table
    tests: Table
    regions: Table
    symptoms: Table
    movements: Table
    reflexes: Table
    lesions: Table
    dermatome: re.Pattern[str]
    finding_rules: tuple[FindingRule, ...]

    def mentions(self, text: str) -> list[Mention]:
        prefixes = word_prefixes(text)
        found: list[Mention] = []
        found += _drop_contained(self.findings.scan(text, "finding", prefixes))
        found += _longest(self.tests.scan(text, "test", prefixes))
        found += _longest(self.regions.scan(text, "region", prefixes))
        found += _longest(self.symptoms.scan(text, "symptom", prefixes))
        found += _longest(self.movements.scan(text, "movement", prefixes))
        found += _longest(self.reflexes.scan(text, "reflex", prefixes))
        found += _longest(self.lesions.scan(text, "lesion", prefixes))
        for match in self.dermatome.finditer(text):
            roots = _roots(match.group(1))
            if roots:
                found.append(
                    Mention("dermatome", ",".join(roots), match.start(), match.end(), match.group(0))
                )
        found.sort(key=lambda m: (m.start, -m.end))
        return found


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


def _longest(mentions: Iterable[Mention]) -> list[Mention]:
    """Greedy: keep the longest mention, drop any that overlaps it."""
    kept: list[Mention] = []
    for m in sorted(mentions, key=lambda m: (-(m.end - m.start), m.start)):
        if all(m.end <= k.start or m.start >= k.end for k in kept):
            kept.append(m)
    return kept


def _drop_contained(mentions: Iterable[Mention]) -> list[Mention]:
    """Findings may share words ("bowel or bladder dysfunction" gives three findings), but a
    mention wholly inside a longer one is the same words read twice ("numbness" inside
    "saddle numbness", "back pain" inside "low back pain") and is dropped."""
    items = sorted(mentions, key=lambda m: (-(m.end - m.start), m.start))
    kept: list[Mention] = []
    for m in items:
        inside = any(
            k.start <= m.start and m.end <= k.end and (k.end - k.start) > (m.end - m.start)
            for k in kept
        )
        duplicate = any(k.start == m.start and k.end == m.end and k.key == m.key for k in kept)
        if not inside and not duplicate:
            kept.append(m)
    return kept


def _table(entries: Iterable[tuple[PhraseSet | list[str], str, tuple[str, ...], int, bool]]) -> Table:
    comp = compiler()
    out: list[tuple[Compiled, str, tuple[str, ...], int]] = []
    for source, key, regions, rule, case_sensitive in entries:
        if isinstance(source, PhraseSet):
            compiled = comp.compile(source.phrases, source.regex, case_sensitive)
        else:
            compiled = comp.compile([], source, case_sensitive)
        out.extend((c, key, regions, rule) for c in compiled)
    return Table(tuple(out))


@functools.cache
def matchers() -> Matchers:
    rules = load_rules()
    body = rules.body
    comp: Compiler = compiler()
    finding_entries = []
    for index, rule in enumerate(rules.findings):
        source = PhraseSet(phrases=rule.phrases, regex=rule.regex)
        for finding_id in rule.ids:
            finding_entries.append((source, finding_id, (), index, rule.case_sensitive))
    return Matchers(
        findings=_table(finding_entries),
        tests=_table((t.names, t.finding, (), i, False) for i, t in enumerate(rules.tests)),
        regions=_table(
            (PhraseSet(phrases=r.phrases, regex=r.regex), "region", tuple(r.regions), i, False)
            for i, r in enumerate(body.regions)
        ),
        symptoms=_table((s, kind, (), -1, False) for kind, s in body.symptoms.items()),
        movements=_table(
            (PhraseSet(phrases=m.phrases, regex=m.regex), m.movement, (), -1, False)
            for m in body.movements
        ),
        reflexes=_table(
            (PhraseSet(phrases=r.phrases, regex=r.regex), r.reflex, (), -1, False)
            for r in body.reflexes
        ),
        lesions=_table((patterns, kind, (), -1, False) for kind, patterns in body.lesions.items()),
        dermatome=re.compile(comp.expand_terms(body.dermatome.regex[0])),
        finding_rules=tuple(rules.findings),
    )
