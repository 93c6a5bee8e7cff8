"""A systemic condition's frequency of the presenting complaint is read within the population the
priors describe (leg- or back-pain consultations), not among all patients with the condition (H8).

Myeloma: bone pain in 58 % of all patients at diagnosis (Kyle 2003) applied as P(back pain | myeloma)
counted back pain, the complaint that brings the patient, against myeloma (LR 0.77).
"""

from __future__ import annotations

from nervemap.engine.compiled import default_compiled


def test_back_pain_does_not_count_against_myeloma() -> None:
    compiled = default_compiled()
    c = compiled.condition_index["multiple_myeloma"]
    f = compiled.finding_index["back_pain"]
    assert compiled.weight_present[c, f] > 0
