"""Speed without changing what is found: ConText's token-pattern rules run only on notes that hold
one of their trigger words.

spaCy's token ``Matcher`` tries every pattern at every token of a note, so each token-pattern
ConText rule costs the same on every note whether or not it can match there. A rule with a token
that must be present (no ``OP``, or ``OP: "+"``) and that names its words (``LOWER`` or ``TEXT``,
a word or an ``IN`` list) cannot match a note in which none of those words is a token. Such a
rule is left out of the matcher for that note; the others run as spaCy runs them, in the same
order, with the same ids, so the matches (and medspaCy's pruning of overlaps) are the same.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

_REQUIRED_OPS = (None, "+")
_WORD_KEYS = {"LOWER": "lower", "TEXT": "orth", "ORTH": "orth"}
_MATCHERS_KEPT = 256  # subsets of rules seen; a note picks one, most notes pick a few common ones


@dataclass(frozen=True)
class GatedRule:
    """A token-pattern rule and, per token that must be present and names its words, those words
    (as spaCy hashes, of the token's ``lower`` or ``orth`` form): a note that lacks every word of
    one of them cannot match. No such token: the rule runs on every note."""

    rule_id: str
    pattern: list[dict[str, Any]]
    on_match: Any
    required: tuple[tuple[str, frozenset[int]], ...]


def _words(token: dict[str, Any]) -> tuple[str, frozenset[str]] | None:
    """(attribute, words) of a token spec that names its words and must be present, else None."""
    if token.get("OP") not in _REQUIRED_OPS:
        return None
    for key, attribute in _WORD_KEYS.items():
        value = token.get(key)
        words = [value] if isinstance(value, str) else None
        if isinstance(value, dict) and set(value) == {"IN"} and isinstance(value["IN"], list):
            words = value["IN"]
        if words is not None and all(isinstance(word, str) for word in words):
            if attribute == "lower":
                # spaCy compares LOWER with the token's lower-case form; a listed word with
                # capitals is kept and also lower-cased, so the gate stays a superset
                return attribute, frozenset(words) | frozenset(w.lower() for w in words)
            return attribute, frozenset(words)
    return None


def required_words(pattern: list[dict[str, Any]]) -> list[tuple[str, frozenset[str]]]:
    """For each token of ``pattern`` that must be present and names its words: (attribute, words)."""
    return [got for token in pattern if (got := _words(token)) is not None]


class GatedMatcher:
    """medspaCy's MedspacyMatcher (token patterns, phrases, regexes, pruning), its token-pattern
    rules run only on the notes that hold their trigger words."""

    def __init__(self, medspacy_matcher: Any, vocab: Any) -> None:
        from spacy.strings import get_string_id

        self.vocab = vocab
        self.prune = medspacy_matcher._prune
        self.phrase_matcher = medspacy_matcher._MedspacyMatcher__phrase_matcher
        self.regex_matcher = medspacy_matcher._MedspacyMatcher__regex_matcher
        self.rules: list[GatedRule] = []
        for rule_id, rule in medspacy_matcher.rule_map.items():
            if not isinstance(rule.pattern, list):
                continue  # phrases and regexes stay in their own matchers
            required = tuple(
                (attribute, frozenset(get_string_id(word) for word in words))
                for attribute, words in required_words(rule.pattern)
            )
            self.rules.append(GatedRule(rule_id, rule.pattern, rule.on_match, required))
        self._subset_matcher = functools.lru_cache(maxsize=_MATCHERS_KEPT)(self._build)
        # the same judgement as bit masks: bit k stands for the k-th (rule, required token) pair;
        # a word of the note sets the bits of the pairs it satisfies, and a rule may match when
        # all its bits are set (a rule with no required token needs none)
        self._bits: dict[str, dict[int, int]] = {"lower": {}, "orth": {}}
        self._needs: list[int] = []
        bit = 1
        for rule in self.rules:
            need = 0
            for attribute, words in rule.required:
                for word in words:
                    self._bits[attribute][word] = self._bits[attribute].get(word, 0) | bit
                need |= bit
                bit <<= 1
            self._needs.append(need)

    def _build(self, chosen: tuple[int, ...]) -> Any:
        """A spaCy Matcher of the chosen rules, added in the order the full matcher has them."""
        from spacy.matcher import Matcher

        matcher = Matcher(self.vocab, validate=False)  # medspaCy's matcher validated them already
        for index in chosen:
            rule = self.rules[index]
            matcher.add(rule.rule_id, [rule.pattern], on_match=rule.on_match)
        return matcher

    def candidates(self, doc: Any) -> tuple[int, ...]:
        """Indices of the token-pattern rules that may match ``doc``."""
        from spacy.attrs import LOWER, ORTH

        present = doc.to_array([LOWER, ORTH])
        held = 0
        for attribute, column in (("lower", 0), ("orth", 1)):
            bits = self._bits[attribute]
            for word in set(present[:, column].tolist()):
                held |= bits.get(word, 0)
        return tuple(index for index, need in enumerate(self._needs) if need & held == need)

    def candidates_plainly(self, doc: Any) -> tuple[int, ...]:
        """:meth:`candidates` judged rule by rule, set by set (what the bit masks must give)."""
        from spacy.attrs import LOWER, ORTH

        present = doc.to_array([LOWER, ORTH])
        held = {"lower": set(present[:, 0].tolist()), "orth": set(present[:, 1].tolist())}
        return tuple(
            index
            for index, rule in enumerate(self.rules)
            if all(not words.isdisjoint(held[attribute]) for attribute, words in rule.required)
        )

    def __call__(self, doc: Any) -> list[tuple[int, int, int]]:
        """``MedspacyMatcher.__call__(doc)``: the same matches."""
        from medspacy.common.util import prune_overlapping_matches

        chosen = self.candidates(doc)
        matches: list[tuple[int, int, int]] = list(self._subset_matcher(chosen)(doc)) if chosen else []
        matches += self.phrase_matcher(doc)
        matches += self.regex_matcher(doc)
        if self.prune:
            matches = prune_overlapping_matches(matches)
        return matches
