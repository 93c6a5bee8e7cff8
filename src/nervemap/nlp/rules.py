"""Read the text rules (``nlp/data/*.yaml``) into strict models and compile them to regexes.

The rules are clinical knowledge kept as data: what words mean which finding, region, muscle or
reflex. This module only reads and compiles them; it knows nothing about notes.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from nervemap.engine.case import ImagingKind

_FLAGS = re.IGNORECASE
_DETERMINERS = {"the", "his", "her", "their", "both", "a"}
_SIDE_WORDS = {"left", "right", "bilateral"}
_OPTIONAL_SIDE = r"(?:[\s-]+(?:left|right|bilateral|affected))?"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Abbreviation(Strict):
    abbr: str
    means: str
    case_sensitive: bool = False


class Lexicon(Strict):
    spellings: list[list[str]]
    abbreviations: list[Abbreviation]
    terms: dict[str, str]


class FindingRule(Strict):
    finding: str | None = None
    findings: list[str] = Field(default_factory=list)
    phrases: list[str] = Field(default_factory=list)
    regex: list[str] = Field(default_factory=list)
    status: Literal["present", "absent"] = "present"
    negated_only: bool = False
    case_sensitive: bool = False
    # a diagnosis that does not resolve (osteoarthritis, disc degeneration): "a history of" it is
    # still current, as for the findings of category history
    chronic: bool = False
    # an event that counts only when recent (a recent operation): read as present only with a time
    # word that makes it recent, or in the present illness; in a past-history list it is history
    recent: bool = False
    # the words imply the finding when asserted, but their denial says nothing about it: "claudication"
    # means pain on walking that eases on standing still, "no claudication" only denies the walking pain
    present_only: bool = False
    # a reading that the words are NOT the finding ("stress incontinence" is not a new bladder change)
    # holds only when nothing in the sentence dates the symptom as recent or worse: "since yesterday she
    # has had occasional incontinence" reads the finding as stated (lead s9, a safety review finding)
    unless_recent: bool = False

    @model_validator(mode="after")
    def _one_target(self) -> FindingRule:
        if (self.finding is None) == (not self.findings):
            raise ValueError("give exactly one of `finding` or `findings`")
        if not self.phrases and not self.regex:
            raise ValueError("a rule needs `phrases` or `regex`")
        return self

    @property
    def ids(self) -> tuple[str, ...]:
        return (self.finding,) if self.finding else tuple(self.findings)


class TestRule(Strict):
    finding: str
    names: list[str]
    # a crossed sign: the other leg is stretched and the finding's side is the leg where the pain is
    # brought on ("raising the right leg reproduces the left sciatica": left)
    crossed: bool = False


class Results(Strict):
    positive: list[str]
    negative: list[str]


class PhraseSet(Strict):
    phrases: list[str] = Field(default_factory=list)
    regex: list[str] = Field(default_factory=list)


class RegionRule(PhraseSet):
    regions: list[str]


class MovementRule(PhraseSet):
    movement: str


class ReflexRule(PhraseSet):
    reflex: str


class GlobalStrength(Strict):
    regex: list[str]
    subject: list[str]
    normal: list[str] = Field(default_factory=list)  # "power is normal": every leg muscle 5/5


class BackOnly(PhraseSet):
    """Words saying the back pain stays in the back, the back's regions, the findings that make it absent
    and the leg-pain findings that keep the rule from applying."""

    regions: list[str]
    absent: list[str]
    leg_pain: list[str]


class RegionFinding(Strict):
    """A finding that a pain marked on these regions is (a pain in the low back is back pain)."""

    regions: list[str]
    finding: str


class Body(Strict):
    regions: list[RegionRule]
    symptoms: dict[Literal["pain", "tingling", "numbness"], PhraseSet]
    sensory_exam: PhraseSet
    sensory_status: dict[Literal["absent", "reduced", "increased", "normal"], list[str]]
    sensory_global: PhraseSet
    dermatome: PhraseSet
    movements: list[MovementRule]
    reflexes: list[ReflexRule]
    reflex_words: dict[int, list[str]]
    weakness_words: dict[int, list[str]]
    strength_global: GlobalStrength
    upper_limb: PhraseSet
    lesions: dict[ImagingKind, list[str]]
    back_only: BackOnly
    pain_is_finding: list[RegionFinding]


class ContextRuleData(Strict):
    literal: str
    category: str
    direction: Literal["FORWARD", "BACKWARD", "BIDIRECTIONAL", "TERMINATE", "PSEUDO"]
    pattern: list[dict[str, Any]] | None = None
    max_scope: int | None = None
    # drop medspaCy's default rule with the same literal (ours redefines it)
    replaces_default: bool = False


def _read(name: str) -> Any:
    text = resources.files("nervemap.nlp").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


class Compiler:
    """Turns plain phrases and ``{term}`` regexes into compiled patterns."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self._spelling: dict[str, str] = {}
        self._variants: dict[str, list[str]] = {}
        for group in lexicon.spellings:
            alternation = "|".join(re.escape(w) for w in sorted(group, key=len, reverse=True))
            for word in group:
                self._spelling[word.lower()] = f"(?:{alternation})"
                self._variants[word.lower()] = [w.lower() for w in group]

    def expand_terms(self, pattern: str) -> str:
        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in self.lexicon.terms:
                return match.group(0)
            return f"(?:{self.lexicon.terms[name]})"

        return re.sub(r"\{([a-z_]+)\}", replace, pattern)

    def phrase_regex(self, phrase: str) -> str:
        """A phrase as a regex: words joined by spaces or hyphens, spelling variants allowed."""
        parts = []
        words = phrase.split()
        for i, word in enumerate(words):
            parts.append(self._spelling.get(word.lower(), re.escape(word)))
            nxt = words[i + 1].lower() if i + 1 < len(words) else ""
            if word.lower() in _DETERMINERS and nxt not in _SIDE_WORDS:
                parts[-1] += _OPTIONAL_SIDE  # "sole of his foot" also reads "sole of his right foot"
        return r"[\s-]+".join(parts)

    def phrase_alternatives(self, phrase: str) -> list[tuple[str, bool]]:
        """The phrase and its abbreviated forms, each as (phrase, case_sensitive)."""
        out = [(phrase, False)]
        lowered = f" {phrase.lower()} "
        for abbreviation in self.lexicon.abbreviations:
            means = f" {abbreviation.means.lower()} "
            if means in lowered:
                short = lowered.replace(means, f" {abbreviation.abbr} ").strip()
                out.append((short, abbreviation.case_sensitive))
        return out

    def phrase_triggers(self, phrase: str) -> tuple[str, ...] | None:
        first = phrase.split()[0].lower()
        variants = self._variants.get(first, [first])
        triggers = tuple(t for v in variants for t in re.findall(r"[a-z0-9]+", v)[:1])
        return triggers or None

    def compile(self, phrases: list[str], regexes: list[str], case_sensitive: bool = False) -> list[Compiled]:
        """One pattern per phrase (and per abbreviated form) and per regex."""
        out: list[Compiled] = []
        for phrase in phrases:
            for form, abbr_case in self.phrase_alternatives(phrase):
                flags = 0 if (abbr_case or case_sensitive) else _FLAGS
                out.append(Compiled(_bounded(self.phrase_regex(form), flags), self.phrase_triggers(form)))
        for regex in regexes:
            expanded = self.expand_terms(regex)
            flags = 0 if case_sensitive else _FLAGS
            out.append(Compiled(_bounded(expanded, flags), _regex_triggers(expanded)))
        return out

    def words(self, regexes: list[str]) -> re.Pattern[str]:
        """Cue words (already regexes) as one word-bounded pattern."""
        ordered = sorted((self.expand_terms(r) for r in regexes), key=len, reverse=True)
        body = "|".join(f"(?:{r})" for r in ordered)
        return re.compile(rf"(?<![\w])(?:{body})(?![\w])", _FLAGS)


@dataclass(frozen=True)
class Compiled:
    pattern: re.Pattern[str]
    triggers: tuple[str, ...] | None  # lower-case prefixes a matching text's first word has


def _bounded(regex: str, flags: int) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w/])(?:{regex})(?![\w])", flags)


_META = set("\\()[]{}.*+?|^$")


def _literal_prefix(regex: str) -> str | None:
    """The literal letters a regex starts with (at least two), lower-cased; None otherwise."""
    out: list[str] = []
    for char in regex:
        if char in _META or not char.isalnum():
            if char in "?*{" and out:
                out.pop()  # "legs?" may match "leg": the optional letter is not part of the prefix
            break
        out.append(char.lower())
    return "".join(out) if len(out) >= 2 else None


def _top_level(regex: str) -> list[str] | None:
    """The alternatives of a leading ``(?:a|b)`` group that is the regex's whole first item."""
    depth, end = 0, -1
    for i, char in enumerate(regex):
        escaped = i > 0 and regex[i - 1] == "\\"
        if char == "(" and not escaped:
            depth += 1
        elif char == ")" and not escaped:
            depth -= 1
            if depth == 0:
                end = i
                break
    if end < 0 or (end + 1 < len(regex) and regex[end + 1] in "?*{"):
        return None
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    inner = regex[3:end]
    for i, char in enumerate(inner):
        escaped = i > 0 and inner[i - 1] == "\\"
        if char == "(" and not escaped:
            depth += 1
        elif char == ")" and not escaped:
            depth -= 1
        if char == "|" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _regex_triggers(regex: str) -> tuple[str, ...] | None:
    """Word prefixes that any match must start with; None when that cannot be told cheaply."""
    if regex.startswith("\\b"):
        regex = regex[2:]
    if regex.startswith("(?:"):
        parts = _top_level(regex)
        if parts is None:
            return None
        prefixes = [_literal_prefix(p) for p in parts]
        return tuple(p for p in prefixes if p) if all(prefixes) else None
    prefix = _literal_prefix(regex)
    return (prefix,) if prefix else None


class Rules(Strict):
    lexicon: Lexicon
    findings: list[FindingRule]
    tests: list[TestRule]
    results: Results
    body: Body
    context: list[ContextRuleData]


@functools.cache
def load_rules() -> Rules:
    """All rule files, validated (unknown keys are errors)."""
    return Rules(
        lexicon=_read("lexicon.yaml"),
        findings=_read("findings.yaml") + _read("emergencies.yaml") + _read("conditions_v2.yaml"),
        tests=_read("tests.yaml") + _read("conditions_v2_tests.yaml"),
        results=_read("results.yaml"),
        body=_read("body.yaml"),
        context=_read("context.yaml"),
    )


@functools.cache
def compiler() -> Compiler:
    return Compiler(load_rules().lexicon)
