"""Numbers fixed by the knowledge base's own rules are counted apart from cited and estimated ones."""

from __future__ import annotations

import re

import pytest

from nervemap.knowledge.introspect import forced_number_paths, stats
from nervemap.knowledge.loader import default_knowledge
from nervemap.knowledge.models import EXPERT_ESTIMATE, Condition, KnowledgeBase, Number
from nervemap.knowledge.validator import iter_numbers

CITED = "heliovaara-1991"


def _estimate(value: float) -> Number:
    return Number(value=value, source=EXPERT_ESTIMATE, reason="test")


def _cited(value: float) -> Number:
    return Number(value=value, source=CITED)


def _with_condition(kb: KnowledgeBase, condition: Condition) -> KnowledgeBase:
    others = [c for c in kb.conditions if c.id != condition.id]
    return kb.model_copy(update={"conditions": [*others, condition]})


def _age_banded() -> Condition:
    """A packaged condition that lists every age band as a probability."""
    kb = default_knowledge().knowledge
    bands = {f.id for f in kb.findings if f.exclusive_group == "age_band"}
    for condition in kb.conditions:
        given = [lk for lk in condition.likelihoods if lk.finding in bands]
        if len(given) == len(bands) and all(lk.p is not None and lk.specificity is None for lk in given):
            return condition
    raise AssertionError("no condition lists every age band as a probability")


def _set_bands(condition: Condition, numbers: dict[str, Number]) -> Condition:
    likelihoods = [
        lk.model_copy(update={"p": numbers[lk.finding]}) if lk.finding in numbers else lk
        for lk in condition.likelihoods
    ]
    return condition.model_copy(update={"likelihoods": likelihoods})


def test_every_forced_number_is_a_single_site_or_the_rest_of_a_distribution() -> None:
    kb = default_knowledge().knowledge
    forced = forced_number_paths(kb)
    numbers = dict(iter_numbers(kb))
    assert forced, "single-site conditions exist"
    assert forced <= numbers.keys(), "every forced path names a real number"
    single_sites = {
        f"conditions[{c.id}].sites[{c.sites[0].site}].p" for c in kb.conditions if len(c.sites) == 1
    }
    assert single_sites <= forced
    assert all(numbers[path].value == 1.0 for path in single_sites)
    conditions = {c.id: c for c in kb.conditions}
    group_of = {f.id: f.exclusive_group for f in kb.findings}
    for path in forced - single_sites:
        match = re.fullmatch(r"conditions\[([^\]]+)\]\.(likelihoods|sites)\[([^\]]+)\]\.p", path)
        assert match, path
        condition = conditions[match.group(1)]
        if match.group(2) == "sites":
            members = {site.site: site.p for site in condition.sites}
        else:
            group = group_of[match.group(3)]
            assert group is not None, path
            members = {
                lk.finding: lk.p for lk in condition.likelihoods if group_of.get(lk.finding) == group and lk.p
            }
        rest = [number for key, number in members.items() if key != match.group(3)]
        assert numbers[path].source == EXPERT_ESTIMATE, path
        assert rest and all(number.source != EXPERT_ESTIMATE for number in rest), path
        assert numbers[path].value == pytest.approx(1.0 - sum(n.value for n in rest), abs=0.001), path


@pytest.mark.parametrize(
    ("estimated_value", "second_estimate", "forced_expected"),
    [
        (None, False, True),  # the estimate is exactly what the cited bands leave
        (0.05, False, False),  # a value other than the rest is a choice, not arithmetic
        (None, True, False),  # two estimated bands: neither is fixed by the others
    ],
)
def test_a_distribution_member_is_forced_only_when_the_cited_others_fix_it(
    estimated_value: float | None, second_estimate: bool, forced_expected: bool
) -> None:
    kb = default_knowledge().knowledge
    condition = _age_banded()
    bands = ["age_under_18", "age_18_39", "age_40_59", "age_60_69", "age_70_plus"]
    shares = [0.01, 0.2, 0.3, 0.29, 0.2]
    numbers = {band: _cited(share) for band, share in zip(bands, shares, strict=True)}
    numbers["age_under_18"] = _estimate(estimated_value if estimated_value is not None else shares[0])
    if second_estimate:
        numbers["age_18_39"] = _estimate(shares[1])
    changed = _with_condition(kb, _set_bands(condition, numbers))
    path = f"conditions[{condition.id}].likelihoods[age_under_18].p"
    assert (path in forced_number_paths(changed)) is forced_expected
    assert f"conditions[{condition.id}].likelihoods[age_18_39].p" not in forced_number_paths(changed)


def test_cited_share_leaves_forced_numbers_out_of_its_denominator() -> None:
    kb = default_knowledge().knowledge
    summary = stats(kb)
    assert summary["forced_numbers"] == len(forced_number_paths(kb))
    assert summary["numbers"] + summary["forced_numbers"] == len(list(iter_numbers(kb)))
    assert summary["cited_share"] == round(summary["cited_numbers"] / summary["numbers"], 4)
