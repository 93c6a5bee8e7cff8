"""Numbers fixed by the knowledge base's own rules are counted apart from cited and estimated ones."""

from __future__ import annotations

from nervemap.knowledge.introspect import forced_number_paths, stats
from nervemap.knowledge.loader import default_knowledge
from nervemap.knowledge.validator import iter_numbers


def test_only_single_site_probabilities_are_forced_and_each_is_one() -> None:
    kb = default_knowledge().knowledge
    forced = forced_number_paths(kb)
    numbers = dict(iter_numbers(kb))
    assert forced, "single-site conditions exist"
    assert forced <= numbers.keys(), "every forced path names a real number"
    assert all(numbers[path].value == 1.0 for path in forced)
    multi_site = [c for c in kb.conditions if len(c.sites) > 1]
    assert multi_site and not any(f"conditions[{c.id}]" in path for c in multi_site for path in forced)


def test_cited_share_leaves_forced_numbers_out_of_its_denominator() -> None:
    kb = default_knowledge().knowledge
    summary = stats(kb)
    assert summary["forced_numbers"] == len(forced_number_paths(kb))
    assert summary["numbers"] + summary["forced_numbers"] == len(list(iter_numbers(kb)))
    assert summary["cited_share"] == round(summary["cited_numbers"] / summary["numbers"], 4)
