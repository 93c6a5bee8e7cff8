"""Priors per setting are distributions (issue 12 item 3)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nervemap.knowledge import default_knowledge
from nervemap.knowledge.introspect import stats
from nervemap.knowledge.loader import read_knowledge
from nervemap.knowledge.models import Setting
from nervemap.knowledge.validator import PRIOR_SUM_TOLERANCE, check_knowledge

from ..conftest import SMALL_KB


def test_every_setting_sums_to_one_with_the_not_modelled_mass() -> None:
    kb = default_knowledge().knowledge
    assert kb.priors is not None
    for setting in Setting:
        total = sum(c.prior[setting].value for c in kb.conditions) + kb.priors.not_modelled[setting].value
        assert total == pytest.approx(1.0, abs=PRIOR_SUM_TOLERANCE), setting
    assert all(abs(total - 1.0) <= PRIOR_SUM_TOLERANCE for total in stats(kb)["prior_sums"].values())


def test_cited_absolute_priors_are_kept_as_cited() -> None:
    conditions = {c.id: c for c in default_knowledge().knowledge.conditions}
    # Hoeritzauer 2020: CES in 0.08 % of primary-care low back pain; Deyo & Diehl 1988: 0.66 % cancer
    assert conditions["cauda_equina_syndrome"].prior[Setting.PRIMARY_CARE].value == 0.0008
    assert conditions["metastatic_spinal_disease"].prior[Setting.PRIMARY_CARE].value == 0.0066


def _small_with_priors(tmp_path: Path, not_modelled: float) -> list[str]:
    folder = tmp_path / "kb"
    shutil.copytree(SMALL_KB, folder)
    rest = {"primary-care": 0.09, "emergency": 0.33, "spine-clinic": 0.33}  # 1 - the fixture's priors
    lines = ["not_modelled:"]
    for setting, value in rest.items():
        value = not_modelled if setting == "primary-care" else value
        lines.append(f"  {setting}: {{value: {value}, source: fixture-source}}")
    (folder / "priors.yaml").write_text("\n".join(lines) + "\n")
    loaded, problems = read_knowledge(folder)
    assert loaded is not None, problems
    return [f"{p.file}|{p.key}|{p.message}" for p in check_knowledge(loaded, required_roots=())]


def test_priors_that_sum_to_one_pass(tmp_path: Path) -> None:
    assert _small_with_priors(tmp_path, 0.09) == []


def test_priors_that_do_not_sum_to_one_are_refused(tmp_path: Path) -> None:
    problems = _small_with_priors(tmp_path, 0.3)
    assert any("priors.yaml" in p and "primary-care" in p and "not 1" in p for p in problems), problems
