"""ICD-10-CM codes of one condition never contradict each other (issue 12 item 4)."""

from __future__ import annotations

from nervemap.knowledge import default_knowledge
from nervemap.knowledge.validator import excludes1_conflicts

# Alternatives chosen by the patient's diabetes type: a record carries one of them, never both.
ALTERNATIVES = {
    ("diabetic_polyneuropathy", "E10.42", "E11.42"),
    ("diabetic_polyneuropathy", "E11.42", "E10.42"),
    ("diabetic_lumbosacral_radiculoplexus_neuropathy", "E11.44", "E13.44"),
    ("diabetic_lumbosacral_radiculoplexus_neuropathy", "E13.44", "E11.44"),
}


def test_collapsed_vertebra_nec_excludes_osteoporotic_and_traumatic_fractures() -> None:
    assert ("M48.56XA", "M80.08XA") in excludes1_conflicts(["M80.08XA", "M48.56XA", "S32.009A"])
    assert ("M48.56XA", "S32.009A") in excludes1_conflicts(["M80.08XA", "M48.56XA", "S32.009A"])
    assert excludes1_conflicts(["M80.08XA", "S32.009A"]) == []


def test_no_condition_lists_codes_that_exclude_each_other() -> None:
    found = {
        (condition.id, a, b)
        for condition in default_knowledge().knowledge.conditions
        for a, b in excludes1_conflicts(condition.icd10)
    }
    assert found - ALTERNATIVES == set()
