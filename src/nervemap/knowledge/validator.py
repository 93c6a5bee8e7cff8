"""Whole-knowledge-base integrity check: every cross-reference, code and citation, at once."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from nervemap.knowledge.loader import LoadedKnowledge, Problem
from nervemap.knowledge.models import EXPERT_ESTIMATE, KnowledgeBase, Likelihood, Number, Setting, unit_key

DISTINGUISHING_RATIO = 2.0
PRIOR_SUM_TOLERANCE = 0.005
# Applied ratios may differ from the cited ones by rounding only (tests/knowledge/test_applied.py).
APPLIED_TOLERANCE = 0.05
# An exclusive group given wholly as probabilities is a distribution: it sums to 1 within the
# rounding of its entries (several bands of three decimals, or a derived band rounded to two).
GROUP_SUM_TOLERANCE = 0.015


class LikelihoodError(ValueError):
    """A likelihood that cannot be applied as its source states it (e.g. LR+ x background >= 1)."""


@dataclass(frozen=True)
class AppliedLikelihood:
    """How one (condition, finding) number enters the engine.

    ``p_condition`` = P(f | c) and ``p_reference`` = P(f | the comparison group the figure was
    measured against); the engine applies ``ratio_present`` = p_condition / p_reference when the
    finding is present and ``ratio_absent`` = (1 - p_condition) / (1 - p_reference) when absent.
    """

    form: str  # "p", "sensitivity-specificity", "lr-pair", "lr-positive"
    p_condition: float
    p_reference: float
    ratio_present: float
    ratio_absent: float
    floored: bool = False


def applied_likelihood(likelihood: Likelihood, background: float) -> AppliedLikelihood:
    """The ratios the engine applies for one likelihood, equal to the published ones.

    ``p`` alone is read against the finding's background; ``p`` with ``specificity`` against that
    study's comparison group (1 - specificity); an LR pair is applied as given, and fixes both
    P(f | c) = LR+ (1 - LR-) / (LR+ - LR-) and the comparator P(f | c) / LR+; LR+ alone is read
    against the background (P(f | c) = LR+ x background, which must stay below 1). No clamp:
    ``min_ratio_absent`` is the only floor, and it is explicit in the knowledge file.
    """
    if likelihood.p is not None:
        p = likelihood.p.value
        if likelihood.specificity is not None:
            form, reference = "sensitivity-specificity", 1.0 - likelihood.specificity.value
        else:
            form, reference = "p", background
    else:
        assert likelihood.lr_positive is not None
        positive = likelihood.lr_positive.value
        if likelihood.lr_negative is not None:
            negative = likelihood.lr_negative.value
            form = "lr-pair"
            p = positive * (1.0 - negative) / (positive - negative)
            reference = p / positive
        else:
            form, reference, p = "lr-positive", background, positive * background
    if not (0.0 < p < 1.0 and 0.0 < reference < 1.0):
        raise LikelihoodError(
            f"'{likelihood.finding}': implied P(finding | condition) {p:.3f} against reference "
            f"{reference:.3f} is not a probability; give 'lr_negative' (or 'p') from the source"
        )
    ratio_present = p / reference
    ratio_absent = (1.0 - p) / (1.0 - reference)
    floored = False
    if likelihood.min_ratio_absent is not None and ratio_absent < likelihood.min_ratio_absent.value:
        ratio_absent, floored = likelihood.min_ratio_absent.value, True
    return AppliedLikelihood(form, p, reference, ratio_present, ratio_absent, floored)


def likelihood_probability(likelihood: Likelihood, background: float) -> float:
    """P(finding | condition) for one likelihood (see :func:`applied_likelihood`)."""
    return applied_likelihood(likelihood, background).p_condition


def iter_numbers(node: Any, path: str = "") -> Iterator[tuple[str, Number]]:
    """Every :class:`Number` inside a model, with a readable path to it."""
    if isinstance(node, Number):
        yield path, node
        return
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            child = getattr(node, name)
            label = getattr(node, "id", None) or getattr(node, "finding", None)
            prefix = f"{path}[{label}]" if label and path and not path.endswith("]") else path
            yield from iter_numbers(child, f"{prefix}.{name}" if prefix else name)
    elif isinstance(node, dict):
        for key, child in node.items():
            yield from iter_numbers(child, f"{path}.{key}")
    elif isinstance(node, list | tuple):
        for index, child in enumerate(node):
            label = getattr(child, "id", None) or getattr(child, "finding", None)
            label = label or getattr(child, "site", None) or getattr(child, "condition", None)
            yield from iter_numbers(child, f"{path}[{label if label else index}]")


@functools.cache
def _icd_checker() -> Callable[[str], str | None]:
    import simple_icd_10_cm as icd

    def check(code: str) -> str | None:
        if not icd.is_valid_item(code):
            return "not a valid ICD-10-CM code"
        if not icd.is_leaf(code):
            return "not billable: a category with subcodes; use a complete code"
        return None

    return check


def excludes1_conflicts(codes: list[str]) -> list[tuple[str, str]]:
    """Pairs (a, b) of codes where an Excludes1 note of a (or of a category above it) names b.

    ICD-10-CM Excludes1 means "never coded together": a condition that lists such a pair offers
    codes that contradict each other (M48.56XA, collapsed vertebra NEC, excludes osteoporotic M80.-
    and traumatic S32.- fractures).
    """
    import re

    import simple_icd_10_cm as icd

    pattern = re.compile(r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]*)?$")
    conflicts: list[tuple[str, str]] = []
    for code in codes:
        excluded: set[str] = set()
        node = code
        while node:
            for text in icd.get_excludes1(node):
                for group in re.findall(r"\(([^)]*)\)", text):
                    for part in re.split(r"[,;]\s*|\s+and\s+", group):
                        part = part.strip().rstrip("-").rstrip(".")
                        if pattern.match(part):
                            excluded.add(part)
            parent = icd.get_parent(node)
            node = parent if parent and parent != node and not parent.isdigit() else ""
        conflicts.extend(
            (code, other) for other in codes if other != code and other.startswith(tuple(excluded))
        )
    return conflicts


REQUIRED_ROOTS = ("L1", "L2", "L3", "L4", "L5", "S1", "S2", "S3")


def check_knowledge(
    loaded: LoadedKnowledge,
    *,
    check_codes: bool = True,
    required_roots: tuple[str, ...] = REQUIRED_ROOTS,
) -> list[Problem]:
    """Report every integrity problem of a loaded knowledge base."""
    kb = loaded.knowledge
    anatomy = kb.anatomy
    problems: list[Problem] = []

    def add(kind: str, identifier: str, key: str, message: str) -> None:
        problems.append(Problem(loaded.origin(kind, identifier), key, message))

    regions = {r.id: r for r in anatomy.regions}
    movements = {m.id for m in anatomy.movements}
    reflexes = {r.id for r in anatomy.reflexes}
    nerves = {n.id for n in anatomy.nerves}
    roots: set[str] = {r.id for r in anatomy.roots}
    sources = {s.id for s in kb.sources}
    findings = {f.id: f for f in kb.findings}
    conditions = {c.id for c in kb.conditions}
    special_sites = {s.id for s in anatomy.sites}
    exclusive_groups: dict[str, list[str]] = {}
    for finding in kb.findings:
        if finding.exclusive_group:
            exclusive_groups.setdefault(finding.exclusive_group, []).append(finding.id)

    def refs(kind: str, owner: str, key: str, values: list[str], known: Any, what: str) -> None:
        for value in values:
            if value not in known:
                add(kind, owner, f"[{owner}].{key}", f"unknown {what} '{value}'")

    # anatomy cross-references
    for region in anatomy.regions:
        refs("region", region.id, "adjacent", region.adjacent, regions, "region")
    for movement in anatomy.movements:
        refs("movement", movement.id, "nerve", [movement.nerve], nerves, "nerve")
        refs("movement", movement.id, "sources", movement.sources, sources, "source")
    for reflex in anatomy.reflexes:
        refs("reflex", reflex.id, "nerve", [reflex.nerve], nerves, "nerve")
        refs("reflex", reflex.id, "sources", reflex.sources, sources, "source")
    for root in anatomy.roots:
        refs("root", root.id, "dermatome", root.dermatome, regions, "region")
        refs("root", root.id, "pain", root.pain, regions, "region")
        refs("root", root.id, "movements", root.movements, movements, "movement")
        refs("root", root.id, "reflexes", root.reflexes, reflexes, "reflex")
        refs("root", root.id, "sources", root.sources, sources, "source")
    for nerve in anatomy.nerves:
        refs("nerve", nerve.id, "cutaneous", nerve.cutaneous, regions, "region")
        refs("nerve", nerve.id, "pain", nerve.pain, regions, "region")
        refs("nerve", nerve.id, "movements", nerve.movements, movements, "movement")
        refs("nerve", nerve.id, "reflexes", nerve.reflexes, reflexes, "reflex")
        refs("nerve", nerve.id, "sources", nerve.sources, sources, "source")
        if nerve.branch_of:
            refs("nerve", nerve.id, "branch_of", [nerve.branch_of], nerves, "nerve")
    for site in anatomy.sites:
        for key in ("sensory", "pain", "midline_sensory"):
            refs("site", site.id, key, getattr(site, key), regions, "region")
        refs("site", site.id, "movements", site.movements, movements, "movement")
        refs("site", site.id, "reflexes", site.reflexes, reflexes, "reflex")
        refs("site", site.id, "imaging_roots", list(site.imaging_roots), roots, "root")
        refs("site", site.id, "sources", site.sources, sources, "source")
    for disc in anatomy.discs:
        key = f"{disc.level}/{disc.zone}"
        refs("disc", key, "sources", disc.sources, sources, "source")
    for missing in sorted(set(required_roots) - roots):
        problems.append(Problem("anatomy/roots.yaml", missing, "root missing from the anatomy"))

    # findings
    for finding in kb.findings:
        derive = finding.derive
        if derive is None:
            continue
        for key in ("pain_map", "sensory_loss"):
            refs(
                "finding",
                finding.id,
                f"derive.{key}",
                getattr(derive, key) or [],
                regions,
                "region",
            )
        refs(
            "finding",
            finding.id,
            "derive.weak_movements",
            derive.weak_movements or [],
            movements,
            "movement",
        )
        for key in ("reduced_reflexes", "brisk_reflexes"):
            refs(
                "finding",
                finding.id,
                f"derive.{key}",
                getattr(derive, key) or [],
                reflexes,
                "reflex",
            )

    # conditions
    for condition in kb.conditions:
        cid = condition.id
        seen: set[str] = set()
        for likelihood in condition.likelihoods:
            if likelihood.finding in seen:
                add("condition", cid, f"likelihoods[{likelihood.finding}]", "finding listed twice")
            seen.add(likelihood.finding)
        refs(
            "condition",
            cid,
            "likelihoods",
            [lk.finding for lk in condition.likelihoods],
            findings,
            "finding",
        )
        for weight in condition.sites:
            kind, _, name = weight.site.partition(":")
            site_ids: dict[str, set[str]] = {"root": roots, "nerve": nerves, "site": special_sites}
            known = site_ids[kind]
            if name not in known:
                add(
                    "condition",
                    cid,
                    f"sites[{weight.site}]",
                    f"unknown lesion site '{weight.site}'",
                )
        total = sum(weight.p.value for weight in condition.sites)
        if not 0.95 <= total <= 1.05:
            add("condition", cid, "sites", f"site probabilities sum to {total:.3f}, not 1")
        if check_codes:
            checker = _icd_checker()
            for code in condition.icd10:
                reason = checker(code)
                if reason:
                    add("condition", cid, f"icd10[{code}]", reason)
        ratios: list[float] = []
        for likelihood in condition.likelihoods:
            if likelihood.finding not in findings:
                continue
            try:
                applied = applied_likelihood(likelihood, findings[likelihood.finding].background.value)
            except LikelihoodError as error:
                add("condition", cid, f"likelihoods[{likelihood.finding}]", str(error))
                continue
            ratios.append(applied.ratio_present)
            ratios.append(applied.ratio_absent)
        if ratios and not any(r >= DISTINGUISHING_RATIO or r <= 1 / DISTINGUISHING_RATIO for r in ratios):
            add(
                "condition",
                cid,
                "likelihoods",
                "no distinguishing finding: no likelihood differs from the background rate "
                f"by a factor of {DISTINGUISHING_RATIO:g}",
            )
        listed_ids = {lk.finding for lk in condition.likelihoods}
        for group, members in exclusive_groups.items():
            named = [m for m in members if m in listed_ids]
            if named and len(named) < len(members):
                missing = ", ".join(m for m in members if m not in listed_ids)
                add(
                    "condition",
                    cid,
                    f"likelihoods[{group}]",
                    f"exclusive group '{group}' is incomplete: list every category (missing: {missing})",
                )
            given = [lk for lk in condition.likelihoods if lk.finding in members]
            if len(given) == len(members) and all(
                lk.p is not None and lk.specificity is None for lk in given
            ):
                total = sum(lk.p.value for lk in given if lk.p is not None)
                if abs(total - 1.0) > GROUP_SUM_TOLERANCE:
                    add(
                        "condition",
                        cid,
                        f"likelihoods[{group}]",
                        f"exclusive group '{group}' given as probabilities sums to {total:.3f}, not 1:"
                        " P(category | condition) over every category is a distribution",
                    )

    # priors: every setting given, and each setting's priors with the not-modelled mass sum to 1
    for condition in kb.conditions:
        missing_settings = [s.value for s in Setting if s not in condition.prior]
        if missing_settings:
            add("condition", condition.id, "prior", f"no prior for {', '.join(missing_settings)}")
    if kb.priors is not None:
        for setting in Setting:
            rest = kb.priors.not_modelled.get(setting)
            if rest is None:
                problems.append(Problem("priors.yaml", f"not_modelled.{setting.value}", "missing"))
                continue
            total = sum(c.prior[setting].value for c in kb.conditions if setting in c.prior) + rest.value
            if abs(total - 1.0) > PRIOR_SUM_TOLERANCE:
                problems.append(
                    Problem(
                        "priors.yaml",
                        f"not_modelled.{setting.value}",
                        f"priors of '{setting.value}' with the not-modelled mass sum to {total:.4f}, not 1",
                    )
                )

    # thresholds: cut-points in order (a swapped pair would grade nothing as moderate)
    if kb.thresholds is not None:
        cut, words = kb.thresholds.severity, kb.thresholds.patient_wording
        for key, lower, upper in (
            ("severity.mrc", cut.mrc_severe_max, cut.mrc_moderate_max),
            ("severity.pain", cut.pain_moderate_min, cut.pain_severe_min),
            ("severity.odi", cut.odi_moderate_above, cut.odi_severe_above),
            ("patient_wording", words.shown_from, words.possible_from),
            ("patient_wording", words.possible_from, words.likely_from),
        ):
            if not lower.value < upper.value and not (
                key == "patient_wording" and lower.value == upper.value
            ):
                problems.append(
                    Problem(
                        "thresholds.yaml", key, f"cut-points out of order: {lower.value:g} >= {upper.value:g}"
                    )
                )

    # triage and plans
    for rule in kb.triage.red_flags:
        used = rule.all_of + rule.any_of + rule.of + [f for group in rule.and_any_of for f in group]
        used += [f for group in rule.unless_absent for f in group]
        refs("triage", rule.id, "findings", used, findings, "finding")
        refs("triage", rule.id, "sources", rule.sources, sources, "source")
        refs("triage", rule.id, "suspects", rule.suspects, conditions, "condition")
    screen = kb.triage.self_care_screen
    if screen is not None:
        refs("triage", "self_care_screen", "requires_absent", screen.requires_absent, findings, "finding")
        refs("triage", "self_care_screen", "sources", screen.sources, sources, "source")
    for suspicion in kb.triage.suspicion:
        if suspicion.condition not in conditions:
            problems.append(Problem("triage.yaml", f"suspicion[{suspicion.condition}]", "unknown condition"))
    for defining in kb.triage.defining_findings:
        refs(
            "triage",
            f"defining_findings[{defining.condition}]",
            "condition",
            [defining.condition],
            conditions,
            "condition",
        )
        refs(
            "triage",
            f"defining_findings[{defining.condition}]",
            "any_of",
            defining.any_of + defining.known_absent,
            findings,
            "finding",
        )
        refs(
            "triage",
            f"defining_findings[{defining.condition}]",
            "sources",
            defining.sources,
            sources,
            "source",
        )
    for step in kb.plans:
        refs(
            "plan",
            step.id,
            "conditions",
            [c for c in step.conditions if c != "any"],
            conditions,
            "condition",
        )
        refs("plan", step.id, "sources", step.sources, sources, "source")

    # follow-up (issue 19): references, ordered schedule, one rank per region group
    if kb.followup is not None:
        problems.extend(_check_followup(kb, sources, findings))

    # every number cites a known source
    for path, number in iter_numbers(kb):
        if number.source != EXPERT_ESTIMATE and number.source not in sources:
            problems.append(Problem(_file_for_path(loaded, path), path, f"unknown source '{number.source}'"))
        if not math.isfinite(number.value):
            problems.append(Problem(_file_for_path(loaded, path), path, "number is not finite"))

    # reference ranges: known findings, unique units, thresholds inside the plausible range
    for quantity in kb.reference_ranges:
        spellings: set[str] = set()
        for conversion in quantity.units:
            for spelling in [conversion.unit, *conversion.aliases]:
                key = unit_key(spelling)
                if key in spellings:
                    add("quantity", quantity.id, f"[{quantity.id}].units", f"unit '{spelling}' given twice")
                spellings.add(key)
        for threshold in quantity.thresholds:
            named = [threshold.finding, *threshold.also]
            refs("quantity", quantity.id, "thresholds", named, findings, "finding")
            low, high = quantity.plausible
            if not low < threshold.limit.value < high:
                add("quantity", quantity.id, f"[{quantity.id}].thresholds", "limit outside plausible range")

    # everything defined is used
    used_regions: set[str] = set()
    for root in anatomy.roots:
        used_regions.update(root.dermatome, root.pain)
    for nerve in anatomy.nerves:
        used_regions.update(nerve.cutaneous, nerve.pain)
    for site in anatomy.sites:
        used_regions.update(site.sensory, site.pain, site.midline_sensory)
    for region_id in regions:
        if region_id not in used_regions:
            add(
                "region",
                region_id,
                f"[{region_id}]",
                "region never used by a root, nerve or site territory",
            )
    used_findings: set[str] = set()
    for condition in kb.conditions:
        used_findings.update(lk.finding for lk in condition.likelihoods)
    for quantity in kb.reference_ranges:  # set from a measured value, reported, checked for fit
        for threshold in quantity.thresholds:
            used_findings.update([threshold.finding, *threshold.also])
    for rule in kb.triage.red_flags:
        used_findings.update(rule.all_of + rule.any_of + rule.of)
        used_findings.update(f for group in rule.and_any_of for f in group)
    # scored with the lesion site (localisation.yaml): a tension sign or a finding naming a site kind
    used_findings.update(sign.finding for sign in kb.localisation.tension_signs)
    used_findings.update(item.finding for item in kb.localisation.site_kind_findings)
    for item in kb.localisation.site_kind_findings:
        if item.finding not in findings:
            add("localisation", "site_kind_findings", f"[{item.finding}]", "unknown finding")
    for finding_id in kb.localisation.laterality_findings:
        if finding_id not in findings:
            add("localisation", "laterality_findings", f"[{finding_id}]", "unknown finding")
        elif not findings[finding_id].lateral:
            add(
                "localisation",
                "laterality_findings",
                f"[{finding_id}]",
                "finding has no side (lateral: false)",
            )
    for finding_id in kb.localisation.sided_leg_symptoms:
        if finding_id not in findings or not findings[finding_id].lateral:
            add("localisation", "sided_leg_symptoms", f"[{finding_id}]", "unknown or unsided finding")
    known_regions = {r.id for r in kb.anatomy.regions}
    for field, groups in (
        ("vague_regions", kb.localisation.vague_regions),
        ("neighbouring_aspects", kb.localisation.neighbouring_aspects),
    ):
        for group, members in groups.items():
            for member in members:
                if member not in known_regions:
                    add("localisation", field, f"{group}[{member}]", "unknown region")
    overlap = set(kb.localisation.vague_regions) & set(kb.localisation.neighbouring_aspects)
    for group in sorted(overlap):
        add("localisation", "neighbouring_aspects", group, "same name as a vague_regions group")
    if kb.localisation.sided_leg_symptoms and "leg" not in kb.localisation.vague_regions:
        add("localisation", "sided_leg_symptoms", "", "needs the 'leg' group of vague_regions")
    both_legs = kb.localisation.both_legs_from_sides
    if both_legs is not None:
        if both_legs.finding not in findings:
            add("localisation", "both_legs_from_sides", f"[{both_legs.finding}]", "unknown finding")
        for finding_id in both_legs.sided:
            if finding_id not in findings or not findings[finding_id].lateral:
                add("localisation", "both_legs_from_sides", f"[{finding_id}]", "unknown or unsided finding")
    groups_used = {findings[f].exclusive_group for f in used_findings if f in findings} - {None}
    for finding_id, finding in findings.items():
        if finding.exclusive_group in groups_used:
            continue  # a category of a scored group (age band, duration) is used with its group
        if finding_id not in used_findings:
            add(
                "finding",
                finding_id,
                f"[{finding_id}]",
                "finding never used by a condition or triage rule",
            )
    return sorted(set(problems))


def knowledge_ids(kb: KnowledgeBase) -> dict[str, set[str]]:
    """Every id of the knowledge base, by kind (the kinds of :data:`code_ids.CODE_IDS`)."""
    return {
        "finding": {f.id for f in kb.findings},
        "condition": {c.id for c in kb.conditions},
        "plan": {p.id for p in kb.plans},
        "triage_rule": {r.id for r in kb.triage.red_flags},
        "movement": {m.id for m in kb.anatomy.movements},
        "region": {r.id for r in kb.anatomy.regions},
        "reflex": {r.id for r in kb.anatomy.reflexes},
        "nerve": {n.id for n in kb.anatomy.nerves},
    }


def check_code_ids(kb: KnowledgeBase) -> list[Problem]:
    """Ids that the Python code names (knowledge/code_ids.py) and the knowledge base lacks."""
    from nervemap.knowledge.code_ids import CODE_IDS

    known = knowledge_ids(kb)
    problems: list[Problem] = []
    for kind, modules in CODE_IDS.items():
        for module, identifiers in modules.items():
            for identifier in identifiers:
                if identifier not in known.get(kind, set()):
                    problems.append(
                        Problem(
                            f"src/nervemap/{module}",
                            identifier,
                            f"{kind} named in code but not in the knowledge base",
                        )
                    )
    return problems


def _check_followup(kb: KnowledgeBase, sources: set[str], findings: Mapping[str, Any]) -> list[Problem]:
    followup = kb.followup
    if followup is None:
        return []
    problems: list[Problem] = []

    def add(key: str, message: str) -> None:
        problems.append(Problem("followup.yaml", key, message))

    measures = {m.id for m in followup.measures}
    steps = {s.id for s in followup.steps}
    plan_ids = {p.id for p in kb.plans}
    for name in followup.function_measures:
        if name not in measures:
            add("function_measures", f"unknown measure '{name}'")
    for step in followup.steps:
        if step.id in plan_ids:
            add(f"steps[{step.id}]", "id also used by a plan step")
        for source in step.sources:
            if source not in sources:
                add(f"steps[{step.id}].sources", f"unknown source '{source}'")
    seen_rules: set[str] = set()
    for rule in followup.rules:
        if rule.id in seen_rules:
            add(f"rules[{rule.id}]", "duplicate rule id")
        seen_rules.add(rule.id)
        for source in rule.sources:
            if source not in sources:
                add(f"rules[{rule.id}].sources", f"unknown source '{source}'")
        for finding in rule.findings:
            if finding not in findings:
                add(f"rules[{rule.id}].findings", f"unknown finding '{finding}'")
        for name in rule.measures:
            if name not in measures:
                add(f"rules[{rule.id}].measures", f"unknown measure '{name}'")
        if rule.plan_step is not None and rule.plan_step not in steps:
            add(f"rules[{rule.id}].plan_step", f"unknown follow-up step '{rule.plan_step}'")
    groups = [group for rank in followup.distal_order for group in rank]
    if len(groups) != len(set(groups)):
        add("distal_order", "a region group is listed more than once")
    for key, intervals in (
        ("schedule.conservative", followup.schedule.conservative),
        ("schedule.motor_deficit", followup.schedule.motor_deficit),
    ):
        weeks = [i.weeks.value for i in intervals]
        if any(w <= 0 for w in weeks) or weeks != sorted(set(weeks)):
            add(key, "weeks must be positive and strictly increasing")
    return problems


def _file_for_path(loaded: LoadedKnowledge, path: str) -> str:
    """Best guess of the file behind a number path such as ``conditions[x].prior``."""
    head, _, rest = path.partition("[")
    identifier = rest.partition("]")[0]
    kind = {"conditions": "condition", "findings": "finding"}.get(head)
    if kind:
        return loaded.origin(kind, identifier)
    if head == "localisation":
        return "localisation.yaml"
    if head.startswith("followup"):
        return "followup.yaml"
    if head.startswith("triage"):
        return "triage.yaml"
    return head or "?"
