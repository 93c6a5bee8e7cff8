from __future__ import annotations

import pytest

from nervemap.evaluation.metrics import (
    MIMIC_SITES,
    Expectation,
    brier_score,
    codes_match,
    compute_metrics,
    is_over_triaged,
    is_unsafe,
    over_triage_rate,
    reliability_table,
    root_accuracy,
    side_accuracy,
    site_accuracy,
    site_hit,
    source_accuracy,
    topk_accuracy,
    triage_accuracy,
    unsafe_under_triage,
)

from .helpers import make_assessment

LDH = Expectation(
    condition="lumbar_disc_herniation",
    icd10_any=("M51.1", "M54.1"),
    source="spinal",
    root="L5",
    side="left",
    triage_ok=("routine", "soon"),
)
CES = Expectation(
    condition="cauda_equina_syndrome",
    icd10_any=("G83.4",),
    source="spinal",
    triage_ok=("emergency",),
    is_emergency=True,
)
DVT = Expectation(
    condition="deep_vein_thrombosis",
    icd10_any=("I82.4",),
    source="non-spinal",
    triage_ok=("urgent",),
)


def test_codes_match_prefix_both_ways_ignoring_dots() -> None:
    assert codes_match(["M51.16"], ["M51.1"])
    assert codes_match(["M51"], ["M51.16"])
    assert codes_match(["S82.91XA"], ["S82"])
    assert not codes_match(["M51.36"], ["M51.1"])
    assert not codes_match([], ["M51.1"])


def test_top1_and_top3_by_id_and_by_icd() -> None:
    hit_top1 = make_assessment([("lumbar_disc_herniation", 0.6), ("central_lumbar_stenosis", 0.2)])
    hit_by_icd = make_assessment([("lateral_recess_foraminal_stenosis", 0.5)])  # M47.26 vs M47.2
    ldh_icd = Expectation(condition="lumbar_disc_herniation", icd10_any=("M47.2",))
    hit_third = make_assessment(
        [("hip_osteoarthritis", 0.4), ("central_lumbar_stenosis", 0.3), ("lumbar_disc_herniation", 0.2)]
    )
    miss = make_assessment([("hip_osteoarthritis", 0.9)])
    pairs = [(LDH, hit_top1), (ldh_icd, hit_by_icd), (LDH, hit_third), (LDH, miss), (LDH, None)]
    top1 = topk_accuracy(pairs, 1)
    top3 = topk_accuracy(pairs, 3)
    assert (top1.hits, top1.n) == (2, 5)
    assert (top3.hits, top3.n) == (3, 5)
    assert str(top1) == "40.0% (2/5)"


def test_cases_without_condition_are_not_counted_for_condition_accuracy() -> None:
    no_condition = Expectation(source="non-spinal", triage_ok=("urgent",))
    rate = topk_accuracy([(no_condition, make_assessment([("hip_osteoarthritis", 0.9)]))], 1)
    assert rate.n == 0 and rate.value is None and str(rate) == "n/a (0/0)"


def test_root_and_side_use_the_top_localisation_and_only_where_expected() -> None:
    right_root_wrong_side = make_assessment([("lumbar_disc_herniation", 0.5)], root="L5", side="right")
    wrong_root = make_assessment([("lumbar_disc_herniation", 0.5)], root="S1", side="left")
    pairs = [(LDH, right_root_wrong_side), (LDH, wrong_root), (DVT, wrong_root)]
    assert (root_accuracy(pairs).hits, root_accuracy(pairs).n) == (1, 2)
    assert (side_accuracy(pairs).hits, side_accuracy(pairs).n) == (1, 2)


def test_source_accuracy_counts_uncertain_as_miss() -> None:
    pairs = [
        (LDH, make_assessment([], verdict="spinal")),
        (DVT, make_assessment([], verdict="spinal")),
        (DVT, make_assessment([], verdict="uncertain")),
        (Expectation(), make_assessment([], verdict="spinal")),  # no expectation: not counted
    ]
    rate = source_accuracy(pairs)
    assert (rate.hits, rate.n) == (1, 3)


def test_triage_accuracy() -> None:
    pairs = [
        (LDH, make_assessment([], triage="soon")),
        (LDH, make_assessment([], triage="urgent")),
        (DVT, make_assessment([], triage="urgent")),
    ]
    rate = triage_accuracy(pairs)
    assert (rate.hits, rate.n) == (2, 3)


@pytest.mark.parametrize(
    ("expectation", "level", "unsafe"),
    [
        (CES, "emergency", False),
        (CES, "urgent", True),  # emergency not called an emergency
        (CES, "routine", True),
        (DVT, "soon", True),  # below the urgent floor
        (DVT, "urgent", False),
        (DVT, "emergency", False),  # over-triage is not unsafe
        (LDH, "self-care", False),  # wrong but not unsafe: the floor is below urgent
    ],
)
def test_unsafe_under_triage(expectation: Expectation, level: str, unsafe: bool) -> None:
    assert is_unsafe(expectation, make_assessment([], triage=level)) is unsafe


def test_unsafe_counts_and_missing_assessment() -> None:
    pairs = [
        (CES, make_assessment([], triage="urgent")),
        (CES, None),  # an error on an emergency case counts as unsafe
        (DVT, make_assessment([], triage="routine")),
        (LDH, make_assessment([], triage="self-care")),
        (Expectation(condition="hip_osteoarthritis"), make_assessment([])),  # no triage label
    ]
    count = unsafe_under_triage(pairs)
    assert (count.events, count.n) == (3, 4)
    assert str(count) == "3 of 4"


def test_over_triage() -> None:
    assert is_over_triaged(LDH, make_assessment([], triage="urgent"))
    assert not is_over_triaged(LDH, make_assessment([], triage="soon"))
    assert not is_over_triaged(LDH, None)
    pairs = [
        (LDH, make_assessment([], triage="emergency")),
        (LDH, make_assessment([], triage="routine")),
        (DVT, make_assessment([], triage="emergency")),
        (CES, make_assessment([], triage="emergency")),
    ]
    rate = over_triage_rate(pairs)
    assert (rate.hits, rate.n) == (2, 4)


def test_brier_and_reliability() -> None:
    points = [(0.9, True), (0.9, False), (0.1, False), (0.5, True), (1.0, True)]
    expected = ((0.1**2) + (0.9**2) + (0.1**2) + (0.5**2) + 0.0) / 5
    assert brier_score(points) == pytest.approx(expected)
    assert brier_score([]) is None
    table = reliability_table(points, bins=5)
    assert [b.n for b in table] == [1, 0, 1, 0, 3]
    assert table[4].accuracy == pytest.approx(2 / 3)
    assert table[4].mean_probability == pytest.approx((0.9 + 0.9 + 1.0) / 3)
    assert table[1].accuracy is None


def test_compute_metrics_end_to_end() -> None:
    pairs = [
        (LDH, make_assessment([("lumbar_disc_herniation", 0.7)], root="L5", side="left", triage="routine")),
        (
            CES,
            make_assessment(
                [("lumbar_disc_herniation", 0.6), ("cauda_equina_syndrome", 0.3)], triage="urgent"
            ),
        ),
        (DVT, make_assessment([("deep_vein_thrombosis", 0.8)], verdict="non-spinal", triage="urgent")),
        (LDH, None),
    ]
    m = compute_metrics(pairs)
    assert m.n_cases == 4 and m.errors == 1
    assert (m.top1.hits, m.top1.n) == (2, 4)
    assert (m.top3.hits, m.top3.n) == (3, 4)
    assert (m.unsafe_under_triage.events, m.unsafe_under_triage.n) == (1, 4)
    assert m.brier_n == 3
    assert m.brier == pytest.approx(((0.7 - 1) ** 2 + 0.6**2 + (0.8 - 1) ** 2) / 3)
    assert m.confusion["cauda_equina_syndrome"] == {"lumbar_disc_herniation": 1}
    assert m.confusion["lumbar_disc_herniation"] == {"(none)": 1, "lumbar_disc_herniation": 1}
    assert m.to_dict()["top1"] == {"hits": 2, "n": 4, "value": 0.5}


def test_expectation_from_dict_and_bad_level() -> None:
    e = Expectation.from_dict(
        {"condition": "x", "icd10_any": ["A1"], "triage_ok": ["soon", "routine"], "root": None},
        in_scope=False,
    )
    assert e.lowest_ok == "routine" and e.highest_ok == "soon" and not e.in_scope
    with pytest.raises(ValueError, match="unknown triage level"):
        Expectation(triage_ok=("later",))


FIBULAR = Expectation(
    condition="common_fibular_neuropathy", source="non-spinal", site="peripheral-nerve",
    nerve="common_fibular", side="left",
)  # fmt: skip
PLEXUS = Expectation(source="non-spinal", site="plexus", side="right")
ROOT_L5 = Expectation(condition="lumbar_disc_herniation", site="root", root="L5", side="left")


def test_site_needs_the_kind_and_for_a_nerve_that_nerve() -> None:
    named = make_assessment([], site="peripheral-nerve", nerve="common_fibular", side="left")
    wrong_nerve = make_assessment([], site="peripheral-nerve", nerve="sciatic", side="left")
    root_instead = make_assessment([], root="L5", side="left")
    assert site_hit(FIBULAR, named)
    assert not site_hit(FIBULAR, wrong_nerve)
    assert not site_hit(FIBULAR, root_instead)
    assert not site_hit(FIBULAR, None)
    assert site_hit(ROOT_L5, root_instead)  # the kind; the root itself is the root metric
    assert site_hit(PLEXUS, make_assessment([], site="plexus", side="right"))
    assert not site_hit(PLEXUS, make_assessment([], site="multi-root", side="bilateral"))


def test_site_accuracy_counts_only_cases_that_state_a_site_and_mimics_separately() -> None:
    pairs = [
        (FIBULAR, make_assessment([], site="peripheral-nerve", nerve="common_fibular")),
        (FIBULAR, make_assessment([], root="L5")),
        (PLEXUS, make_assessment([], site="plexus")),
        (ROOT_L5, make_assessment([], root="S1")),
        (LDH, make_assessment([], root="L5")),  # states no site: not counted
    ]
    assert (site_accuracy(pairs).hits, site_accuracy(pairs).n) == (3, 4)
    mimics = site_accuracy(pairs, MIMIC_SITES)
    assert (mimics.hits, mimics.n) == (2, 3)
    m = compute_metrics(pairs)
    assert m.site == site_accuracy(pairs) and m.site_mimic == mimics
    assert m.to_dict()["site"] == {"hits": 3, "n": 4, "value": 0.75}
    assert m.to_dict()["site_mimic"]["n"] == 3


def test_expectation_reads_site_and_nerve_and_rejects_bad_ones() -> None:
    e = Expectation.from_dict({"site": "peripheral-nerve", "nerve": "femoral", "side": "right"})
    assert (e.site, e.nerve) == ("peripheral-nerve", "femoral")
    with pytest.raises(ValueError, match="unknown site kind 'spine'"):
        Expectation.from_dict({"site": "spine"})
    with pytest.raises(ValueError, match="needs site 'peripheral-nerve'"):
        Expectation(site="root", root="L5", nerve="femoral")


def test_reliability_shows_the_exact_hit_beside_the_usual_one() -> None:
    # stenosis is the named condition; the key also accepts disc herniation (an ICD-10 family, say)
    stenosis = Expectation(condition="central_lumbar_stenosis", also=("lumbar_disc_herniation",))
    pairs = [
        (stenosis, make_assessment([("central_lumbar_stenosis", 0.3)])),
        (stenosis, make_assessment([("lumbar_disc_herniation", 0.3)])),
        (stenosis, make_assessment([("deep_vein_thrombosis", 0.3)])),
        (Expectation(icd10_any=("M51.1",)), make_assessment([("lumbar_disc_herniation", 0.9)])),
    ]
    table = compute_metrics(pairs).reliability
    assert table[1].n == 3
    assert table[1].accuracy == pytest.approx(2 / 3)
    assert table[1].exact_accuracy == pytest.approx(1 / 3)
    # a key of ICD-10 codes only names no condition: never an exact hit
    assert (table[4].accuracy, table[4].exact_accuracy) == (1.0, 0.0)
    assert table[0].exact_accuracy is None
    assert reliability_table([(0.3, True)])[1].exact_accuracy is None
    with pytest.raises(ValueError, match="one exact flag per point"):
        reliability_table([(0.3, True)], exact=[True, False])
