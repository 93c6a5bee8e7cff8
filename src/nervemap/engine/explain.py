"""The evidence record: why each listed condition and lesion site holds its probability.

Built on demand from a headline (engine/core.py). Everything that does not depend on the case is
compiled once per knowledge base and kept: an item for (condition, finding, present or absent) —
label, applied weight, the cited figures, source and detail — and one for (site, observation,
present or absent) with its territory origin. A case then selects its items with masked weight
matrices (the listed conditions x the findings it scored) and only copies the items it shows.
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any

import numpy as np

from nervemap.engine.assessment import Evidence, EvidenceSet
from nervemap.engine.compiled import SIGN_STATES, CompiledKnowledge, FloatArray, Observation, held
from nervemap.engine.encode import EncodedCase
from nervemap.engine.records import exact_maker
from nervemap.engine.ties import LOG_TOLERANCE, tie_argmax
from nervemap.knowledge.models import EXPERT_ESTIMATE, Number

MIN_WEIGHT = 0.01
_max = np.maximum.reduce  # ndarray.max without its Python wrapper (the same ufunc, the same result)
# An evidence item as an assessment lists it: (-|weight|, weight, record); sorted on the first.
Item = tuple[float, float, Evidence]
_size = itemgetter(0)
# Shared evidence records kept per explainer (a knowledge base holds far fewer in practice).
EVIDENCE_MEMO = 200_000
Record = dict[str, Any]

OBSERVATION_NAMES = {
    "sensory": "sensory change",
    "pain": "pain",
    "weakness": "weakness",
    "reflex": "reduced reflex",
    "reflex-aged": "reduced reflex (age over 60)",
    "imaging": "imaging: compression of root",
    "tension": "positive",
    "umn": "upper motor neuron sign",
    "pattern": "findings",
    "pain-vague": "pain somewhere in the",
    "weakness-vague": "weakness somewhere in the",
    "sensory-vague": "sensory change somewhere in the",
    "one-leg": "symptoms in this",
    "sensory-normal": "normal sensation over the whole",
    "weakness-normal": "full power over the whole",
    "kind": "",
}


def cite(number: Number) -> tuple[str, str | None]:
    if number.source == EXPERT_ESTIMATE:
        return EXPERT_ESTIMATE, number.reason
    return number.source, number.detail


def observation_label(compiled: CompiledKnowledge, observation: Observation) -> str:
    """A lesion observation in words, from its typed fields."""
    where = f" ({observation.side})" if observation.side else ""
    target = observation.target
    if observation.modality == "kind":  # a finding of its own: its clinician label
        finding = compiled.findings.get(target)
        return f"{finding.clinician if finding else target.replace('_', ' ')}{where}"
    name = OBSERVATION_NAMES.get(observation.modality, observation.modality)
    return f"{name} {target.replace('_', ' ')}{where}".strip()


def territory_origin(grade_key: str, inside: bool) -> str:
    grade = grade_key.rsplit(":", 1)[-1]
    if grade == "adjacent":
        return "neighbouring root's territory or minor supply"
    if grade == "multi":
        return "in the several-root territory"
    if grade_key.startswith("kind:"):
        return "points to this kind of lesion" if inside else "points to another kind of lesion"
    if grade not in ("in", "out", "none"):
        return "in territory (level-specific figure)"
    return "in territory" if inside else "outside territory"


class Explainer:
    """The knowledge base's evidence items, compiled once; items are made on first use."""

    def __init__(self, compiled: CompiledKnowledge) -> None:
        self.compiled = compiled
        self.labels = [compiled.findings[fid].clinician for fid in compiled.finding_ids]
        self.log_link = np.log(compiled.site_given_condition + 1e-300)  # (C, H)
        none = compiled.none_hypothesis
        absence = compiled.knowledge.localisation.absence_weight.value
        self.site_weight_present = compiled.loc_log_present - compiled.loc_log_present[none]
        self.site_weight_absent = absence * (compiled.loc_log_absent - compiled.loc_log_absent[none])
        self.site_p = np.exp(compiled.loc_log_present)  # (H, O), as an array: the same rounding
        # the items an assessment shows: (C, F) listed and weighing at least MIN_WEIGHT, per status;
        # (H, O) weighing at least MIN_WEIGHT
        self.shown_present = compiled.listed & (np.abs(compiled.weight_present) >= MIN_WEIGHT)
        self.shown_absent = compiled.listed & (np.abs(compiled.weight_absent) >= MIN_WEIGHT)
        self.site_shown_present = np.abs(self.site_weight_present) >= MIN_WEIGHT
        self.site_shown_absent = np.abs(self.site_weight_absent) >= MIN_WEIGHT
        self.observation_labels = [observation_label(compiled, o) for o in compiled.observations]
        # the finding of each nerve-tension sign state row (row // len(SIGN_STATES): its sign)
        self.sign_finding_ids = [compiled.finding_ids[f] for f in compiled.sign_findings for _ in SIGN_STATES]
        self._finding_items: dict[tuple[int, int, bool], tuple[float, Record]] = {}
        self._site_items: dict[tuple[int, int, bool], tuple[float, Record]] = {}
        self._sign_items: dict[tuple[int, int, int], tuple[float, Record] | None] = {}
        self._fit_items: dict[int, Record] = {}
        # the output records themselves, shared by every assessment that shows them (Evidence is
        # frozen): per (condition, finding, present, origin), (site, observation, present) and
        # (condition, best site, sign state row, origin)
        self._finding_evidence: dict[tuple[int, int, bool, str | None], Item] = {}
        # a (site, observation, present) item by ((observation * 2 + present) * n_sites + site)
        self._site_evidence: dict[int, Item] = {}
        self.n_sites = len(compiled.hypotheses)
        self.n_findings = len(compiled.finding_ids)
        # shown_absent and shown_present side by side: column f + n_findings * present
        self.shown = np.concatenate([self.shown_absent, self.shown_present], axis=1)
        self.site_shown = np.concatenate([self.site_shown_absent, self.site_shown_present], axis=1)
        self.none_hypothesis = compiled.none_hypothesis
        self._sign_evidence: dict[tuple[int, int, int, str | None], Item | None] = {}

    def finding_item(self, c: int, f: int, present: bool, weight: float) -> tuple[float, Record]:
        key = (c, f, present)
        known = self._finding_items.get(key)
        if known is None:
            compiled = self.compiled
            source, detail = cite(compiled.likelihood_numbers[(c, f)])
            rounded = round(weight, 4)
            known = self._finding_items[key] = (
                rounded,
                {
                    "finding": compiled.finding_ids[f],
                    "label": self.labels[f],
                    "status": "present" if present else "absent",
                    "weight": rounded,
                    "p_if_true": round(float(compiled.p_present[c, f]), 4),
                    "p_reference": round(float(compiled.p_reference[c, f]), 4),
                    "source": source,
                    "detail": detail,
                },
            )
        return known

    def site_item(self, h: int, o: int, present: bool, weight: float) -> tuple[float, Record]:
        key = (h, o, present)
        known = self._site_items.get(key)
        if known is None:
            compiled = self.compiled
            none = compiled.none_hypothesis
            observation = compiled.observations[o]
            grade_key = compiled.loc_grade_keys[int(compiled.loc_grade[h, o])]
            if observation.modality == "pattern":
                source, detail = cite(compiled.pattern_numbers[h])
            else:
                source, detail = cite(compiled.loc_numbers[grade_key])
            rounded = round(weight, 4)
            known = self._site_items[key] = (
                rounded,
                {
                    "finding": observation.key,
                    "label": self.observation_labels[o],
                    "status": "present" if present else "absent",
                    "weight": rounded,
                    "p_if_true": round(float(self.site_p[h, o]), 4),
                    "p_reference": round(float(self.site_p[none, o]), 4),
                    "source": source,
                    "detail": detail,
                    "origin": territory_origin(grade_key, bool(compiled.loc_in_territory[h, o])),
                },
            )
        return known

    def sign_item(self, c: int, best: int, row: int) -> tuple[float, Record] | None:
        """A nerve-tension sign, weighed at the condition's most likely lesion site for this case."""
        key = (c, best, row)
        if key in self._sign_items:
            return self._sign_items[key]
        compiled = self.compiled
        n_sites = len(compiled.hypotheses)
        k, state = divmod(row, len(SIGN_STATES))
        f = compiled.sign_findings[k]
        fid = compiled.finding_ids[f]
        # the factor is a ratio to the figure's comparator, on the background's scale
        background = compiled.background[f]
        on_scale = np.log1p(-background) if SIGN_STATES[state] == "absent" else np.log(background)
        weight = float(compiled.sign_log_factor[row, c * n_sites + best] - on_scale)
        comparator = compiled.p_reference[c, f]
        reference = 1 - comparator if SIGN_STATES[state] == "absent" else comparator
        log_p = weight + np.log(reference)
        item: tuple[float, Record] | None = None
        if abs(weight) >= MIN_WEIGHT:
            number = compiled.likelihood_numbers.get(
                (c, f), compiled.knowledge.localisation.tension_sign_outside_territory
            )
            source, detail = cite(number)
            side = "" if SIGN_STATES[state] in ("any", "absent") else f" ({SIGN_STATES[state]})"
            site = compiled.hypotheses[best]
            rounded = round(weight, 4)
            item = (
                rounded,
                {
                    "finding": fid,
                    "label": f"{self.labels[f]}{side}",
                    "status": "absent" if SIGN_STATES[state] == "absent" else "present",
                    "weight": rounded,
                    "p_if_true": round(float(np.exp(log_p)), 4),
                    "p_reference": round(float(reference), 4),
                    "source": source,
                    "detail": f"at {site.name}"
                    + (f" {site.side}" if site.side else "")
                    + (f"; {detail}" if detail else ""),
                },
            )
        self._sign_items[key] = item
        return item

    def conditions(
        self, conditions: list[int], encoded: EncodedCase, site_ll: FloatArray
    ) -> list[EvidenceSet]:
        """The evidence for and against each of the listed conditions."""
        compiled = self.compiled
        present = encoded.present
        scored = ((present | encoded.absent) & ~encoded.site_scored).nonzero()[0]
        rows = np.array(conditions, dtype=np.intp)
        is_present = present[scored]
        shown = self.shown[rows[:, None], scored + self.n_findings * is_present]
        origin = encoded.origin
        ids = compiled.finding_ids
        signs = encoded.sign_states.nonzero()[0].tolist()
        observed_present, observed_absent = encoded.observed_present, encoded.observed_absent
        localised = bool(np.count_nonzero(observed_present) or np.count_nonzero(observed_absent))
        # each condition's most likely site, for its sign and lesion-pattern items (none to show
        # without signs or lesion observations); a left/right tie must not follow the last bits of
        # the batch's matrix products
        best_sites: list[int] = []
        if signs or localised:
            best_sites = tie_argmax(self.log_link[rows] + site_ll[None, :], LOG_TOLERANCE).tolist()
        fits: list[float] = []
        if localised:
            top = _max(site_ll)  # site_ll.max() without its Python wrapper (the same value)
            scaled = np.exp(site_ll - top)
            none_ll = site_ll[self.none_hypothesis]
            link = compiled.site_given_condition
            # log P(pattern | c) less log P(pattern | no lesion), per listed condition
            fits = (np.log(link[rows] @ scaled) + top - none_ll).tolist()
        out = []
        present_list = is_present.tolist()
        scored_list = scored.tolist()
        origins = [origin.get(ids[f]) for f in scored_list]
        shown_rows, shown_columns = shown.nonzero()
        by_row: list[list[int]] = [[] for _ in conditions]
        for k, j in zip(shown_rows.tolist(), shown_columns.tolist(), strict=True):
            by_row[k].append(j)
        made = self._finding_evidence
        keep = len(made) < EVIDENCE_MEMO
        # each sign state row with the origin of its finding (read once, not per condition)
        sign_ids = self.sign_finding_ids
        sign_origins = [(row, origin.get(sign_ids[row])) for row in signs]
        for k, c in enumerate(conditions):
            items: list[Item] = []
            for j in by_row[k]:
                key = (c, scored_list[j], present_list[j], origins[j])
                known = made.get(key)
                if known is None:
                    f, is_present_f = key[1], key[2]
                    weight = compiled.weight_present[c, f] if is_present_f else compiled.weight_absent[c, f]
                    rounded, record = self.finding_item(c, f, is_present_f, float(weight))
                    known = (-abs(rounded), rounded, _evidence({**record, "origin": key[3]}))
                    if keep:
                        made[key] = known
                items.append(known)
            if signs:
                best = best_sites[k]
                for row, how in sign_origins:
                    sign = self._sign_evidence_at(c, best, row, how)
                    if sign is not None:
                        items.append(sign)
            if localised:
                fit = fits[k]
                if abs(fit) >= MIN_WEIGHT:
                    rounded = round(fit, 4)
                    label, detail = self._fit_text(best_sites[k])
                    # the lesion-pattern item (_fit_item) with this case's weight, all nine fields
                    fit_record = _evidence(
                        {
                            "finding": "lesion-pattern",
                            "label": label,
                            "status": "present",
                            "weight": rounded,
                            "p_if_true": 1.0,
                            "p_reference": 1.0,
                            "source": "nervemap-localisation",
                            "detail": detail,
                            "origin": "localisation",
                        }
                    )
                    items.append((-abs(rounded), rounded, fit_record))
            out.append(_split(items))
        return out

    def _sign_evidence_of(self, c: int, best: int, row: int, origin: dict[str, str]) -> Item | None:
        return self._sign_evidence_at(c, best, row, origin.get(self.sign_finding_ids[row]))

    def _sign_evidence_at(self, c: int, best: int, row: int, how: str | None) -> Item | None:
        """The sign item of ``row`` for condition ``c`` at site ``best``, its finding known ``how``."""
        key = (c, best, row, how)
        known = self._sign_evidence.get(key)
        if known is not None or key in self._sign_evidence:
            return known
        sign = self.sign_item(c, best, row)
        if sign is None:
            if len(self._sign_evidence) < EVIDENCE_MEMO:
                self._sign_evidence[key] = None
            return None
        rounded, record = sign
        known = (-abs(rounded), rounded, _evidence({**record, "origin": how}))
        if len(self._sign_evidence) < EVIDENCE_MEMO:
            self._sign_evidence[key] = known
        return known

    def _fit_text(self, best: int) -> tuple[str, str]:
        """The lesion-pattern item's label and detail at the condition's most likely site."""
        known = self._fit_item(best)
        return known["label"], known["detail"]

    def _fit_item(self, best: int) -> Record:
        """The lesion-pattern evidence item at the condition's most likely site (its weight aside)."""
        known = self._fit_items.get(best)
        if known is None:
            site = self.compiled.hypotheses[best]
            known = self._fit_items[best] = {
                "finding": "lesion-pattern",
                "label": "neurological pattern fits this condition's lesion sites "
                f"(best: {site.name}{', ' + site.side if site.side else ''})",
                "status": "present",
                "weight": 0.0,
                "p_if_true": 1.0,
                "p_reference": 1.0,
                "source": "nervemap-localisation",
                "detail": "log-likelihood of the exam and pain-map pattern under the "
                "condition's P(site | condition), relative to no neurological lesion",
                "origin": "localisation",
            }
        return known

    def sites(self, sites: list[int], encoded: EncodedCase) -> list[EvidenceSet]:
        """The evidence for and against each of the listed lesion sites."""
        observed_present = encoded.observed_present
        seen = (observed_present | encoded.observed_absent).nonzero()[0]
        rows = np.array(sites, dtype=np.intp)
        is_present = observed_present[seen]
        # the column of (observation, present) in site_shown, and its memo key less the site
        columns = seen + len(observed_present) * is_present
        shown = self.site_shown[rows[:, None], columns]
        present_list = is_present.tolist()
        seen_list = seen.tolist()
        n_sites = self.n_sites
        bases = [(o * 2 + p) * n_sites for o, p in zip(seen_list, present_list, strict=True)]
        out = []
        shown_rows, shown_columns = shown.nonzero()
        by_row: list[list[int]] = [[] for _ in sites]
        for k, j in zip(shown_rows.tolist(), shown_columns.tolist(), strict=True):
            by_row[k].append(j)
        made = self._site_evidence
        for k, h in enumerate(sites):
            items = []
            for j in by_row[k]:
                known = made.get(bases[j] + h)
                if known is None:
                    o, is_seen = seen_list[j], present_list[j]
                    weight = self.site_weight_present[h, o] if is_seen else self.site_weight_absent[h, o]
                    rounded, record = self.site_item(h, o, is_seen, float(weight))
                    known = made[bases[j] + h] = (-abs(rounded), rounded, _evidence(record.copy()))
                items.append(known)
            out.append(_split(items))
        return out


_evidence = exact_maker(Evidence)
_evidence_set = exact_maker(EvidenceSet)


def _split(items: list[Item]) -> EvidenceSet:
    items.sort(key=_size)  # largest weight first (stable: equal sizes keep their order)
    for_: list[Evidence] = []
    against: list[Evidence] = []
    for _, weight, evidence in items:  # one pass, not two comprehensions (each a call in 3.11)
        if weight > 0:
            for_.append(evidence)
        elif weight < 0:
            against.append(evidence)
    return _evidence_set({"for_": for_, "against": against})


def explainer(compiled: CompiledKnowledge) -> Explainer:
    """The explainer, built once and kept on the compiled knowledge (it dies with it)."""
    return held(compiled, "explainer", Explainer)
