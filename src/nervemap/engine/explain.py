"""The evidence record: why each listed condition and lesion site holds its probability.

Built on demand from a headline (engine/core.py). Everything that does not depend on the case is
compiled once per knowledge base and kept: an item for (condition, finding, present or absent) —
label, applied weight, the cited figures, source and detail — and one for (site, observation,
present or absent) with its territory origin, each with the integer that places it in an entry's
order (see WEIGHT_SPAN). A listed entry then looks up the keys of the columns the case scored and
sorts them (C-level ``map``, ``filter`` and ``sorted``: no Python step per item), and its records
are read by key.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from nervemap.engine.assessment import Evidence, EvidenceSet
from nervemap.engine.compiled import SIGN_STATES, CompiledKnowledge, FloatArray, Observation, held
from nervemap.engine.encode import EncodedCase
from nervemap.engine.records import exact_maker
from nervemap.engine.ties import LOG_TOLERANCE, tie_argmax
from nervemap.knowledge.models import EXPERT_ESTIMATE, Number

MIN_WEIGHT = 0.01
_max = np.maximum.reduce  # ndarray.max without its Python wrapper (the same ufunc, the same result)
_add = np.add.reduce  # ndarray.sum without its Python wrapper (the same ufunc, the same result)
# An evidence item as an assessment lists it: (-|weight|, weight, record).
Item = tuple[float, float, Evidence]
# Shared sign evidence records kept per explainer (a knowledge base holds far fewer in practice).
EVIDENCE_MEMO = 200_000
Record = dict[str, Any]
# An entry lists the items for it, then those against it, each largest rounded weight first, equal
# weights in their places: the findings by index (the order a case lists them in), then the
# nerve-tension signs, then the lesion pattern (a stable sort on -|weight| in that order, as before).
# That order is the order of one integer per item: ((against * WEIGHT_SPAN + WEIGHT_SPAN -
# |weight| * 10^4) * PLACE_SPAN + place) * low span + low bits, the low bits telling apart items
# that share a place (present or absent; the origin). Rounded to 4 decimals, |weight| * 10^4 is an
# integer; one of WEIGHT_SPAN or more (an infinite weight, say) counts as WEIGHT_SPAN - 1.
WEIGHT_SPAN = 1 << 32
PLACE_SPAN = 1 << 11  # the findings' (or observations') places, then the added items'
ORIGIN_SPAN = 1 << 6  # origin codes (encode.py knows five)
FINDING_LOW_SPAN = 2 * ORIGIN_SPAN  # absent * ORIGIN_SPAN + origin code
SITE_LOW_SPAN = 2  # absent
KNOWN_ORIGINS: tuple[str | None, ...] = (None, "reported", "derived", "examination", "imaging")

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
        # per condition, the sites it links to (P(h | c) > 0) with their log_link, in site order;
        # every other site's log_link is the floor, log(1e-300), at most _unlinked_log (see
        # _best_sites)
        unlinked = compiled.site_given_condition == 0
        self._unlinked_log = float(_max(self.log_link[unlinked])) if unlinked.any() else -np.inf
        self._linked: list[list[tuple[int, float]]] = [
            [(h, float(self.log_link[c, h])) for h in np.flatnonzero(row).tolist()]
            for c, row in enumerate(compiled.site_given_condition)
        ]
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
        self._fit_texts: dict[int, tuple[str, str]] = {}
        self.n_sites = len(compiled.hypotheses)
        self.n_findings = len(compiled.finding_ids)
        self.n_observations = len(compiled.observations)
        self.none_hypothesis = compiled.none_hypothesis
        # the output records themselves are shared by every assessment that shows them (Evidence is
        # frozen). Per condition: the sort key of each shown (finding column, origin code), a
        # finding column being f when present and F + f when absent (as engine/core.py's rows),
        # and the records by key (made on first use); per site: the key of each shown observation
        # column (o observed, O + o not), and the records by key; per (condition, best site, sign
        # state row, origin): the sign items
        self.origin_codes: dict[str | None, int] = {how: code for code, how in enumerate(KNOWN_ORIGINS)}
        self.origins: list[str | None] = list(KNOWN_ORIGINS)
        # The sort keys as two compact integer matrices (made on first use), not a dict per
        # condition or site: a case reads the few rows of the columns it scored, contiguous
        # memory, where a dict of some 300 entries per listed entry cost a few cache misses per
        # look-up (its slot, its key and its value are three objects), which on a busy machine
        # (the caches refilled between cases) was the largest single line of an assessment.
        # Conditions: row (finding column * origin_slots + origin code), a column per condition;
        # sites: row observation column, a column per site; 0 where the item is not shown.
        self.origin_slots = len(KNOWN_ORIGINS)
        self._condition_key_rows: npt.NDArray[np.int64] | None = None
        self._site_key_rows: npt.NDArray[np.int64] | None = None
        self._condition_records: list[dict[int, Evidence]] = [{} for _ in compiled.conditions]
        self._site_records: list[dict[int, Evidence]] = [{} for _ in range(self.n_sites)]
        self.condition_against = WEIGHT_SPAN * PLACE_SPAN * FINDING_LOW_SPAN  # the first key against
        self.site_against = WEIGHT_SPAN * PLACE_SPAN * SITE_LOW_SPAN
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
        self,
        conditions: list[int],
        encoded: EncodedCase,
        site_ll: FloatArray,
        columns: Sequence[int] | None = None,
        observations: Sequence[int] | None = None,
    ) -> list[EvidenceSet]:
        """The evidence for and against each of the listed conditions.

        ``columns``: the finding columns the case scores (present f as f, absent as F + f; the
        site-scored findings left out), and ``observations`` its observation columns (see
        :meth:`sites`), as engine/core.py's one-case path has them; read from ``encoded`` when
        not given."""
        compiled = self.compiled
        n_findings = self.n_findings
        if columns is None:
            columns = _columns(encoded.present, encoded.absent, encoded.site_scored)
        origin = encoded.origin
        ids = compiled.finding_ids
        codes = self.origin_codes
        get = origin.get
        slots = self.origin_slots
        try:  # each column with its finding's origin code, in one pass: its row of the key matrix
            scored = [col * slots + codes[get(ids[col % n_findings])] for col in columns]
        except KeyError:  # an origin not seen before: give it a code (the matrix is made again)
            self._add_origins([get(ids[col % n_findings]) for col in columns])
            codes, slots = self.origin_codes, self.origin_slots
            scored = [col * slots + codes[get(ids[col % n_findings])] for col in columns]
        # the nerve-tension sign rows (the imaging-kind rows after them are scored, not listed: the
        # imaged root is an item of the site's own evidence)
        n_sign_rows = len(compiled.sign_findings) * len(SIGN_STATES)
        link_rows = encoded.sign_states.nonzero()[0].tolist()
        signs = [row for row in link_rows if row < n_sign_rows]
        imaged = [row for row in link_rows if row >= n_sign_rows]
        if observations is None:
            observed_present, observed_absent = encoded.observed_present, encoded.observed_absent
            localised = bool(np.count_nonzero(observed_present) or np.count_nonzero(observed_absent))
        else:
            localised = bool(observations)
        # each condition's most likely site, for its sign and lesion-pattern items (none to show
        # without signs or lesion observations); a left/right tie must not follow the last bits of
        # the batch's matrix products
        best_sites: list[int] = []
        fits: list[float] = []
        sign_origins: list[tuple[int, str | None]] = []
        if signs or localised:
            site_list = site_ll.tolist()
            top = max(site_list)  # site_ll.max(): the same value
            linked_best = self._best_sites(conditions, site_list, top)
            if linked_best is None:
                best_sites = tie_argmax(
                    self.log_link.take(conditions, axis=0) + site_ll, LOG_TOLERANCE
                ).tolist()
            else:
                best_sites = linked_best
            if localised:
                scaled = np.exp(site_ll - top)
                none_ll = site_list[self.none_hypothesis]
                link = compiled.site_given_condition.take(conditions, axis=0)  # a copy, written below
                if imaged:
                    # the imaging-kind rows (a root pressed by a disc only, or by another kind only)
                    # weigh each condition's sites in the joint, so they belong to its lesion-pattern
                    # weight: without them the shown weight is not the term that was summed
                    n_sites = link.shape[1]
                    kind = (
                        compiled.sign_log_factor[imaged]
                        .sum(axis=0)
                        .reshape(-1, n_sites)
                        .take(conditions, axis=0)
                    )
                    link *= np.exp(kind)
                # log P(pattern | c) less log P(pattern | no lesion), per listed condition (the row
                # sums by np.add.reduce: ndarray.sum without its Python wrapper, the same ufunc; each
                # step written into the array it reads, the same operations in the same order)
                np.multiply(link, scaled, out=link)
                sums = _add(link, axis=1)
                np.log(sums, out=sums)
                sums += top
                sums -= none_ll
                fits = sums.tolist()
            # each sign state row with the origin of its finding (read once, not per condition)
            sign_ids = self.sign_finding_ids
            sign_origins = [(row, origin.get(sign_ids[row])) for row in signs]
        out = []
        matrix = self._condition_key_rows
        if matrix is None:
            matrix = self._condition_key_matrix()
        key_rows = _key_rows(matrix, scored, conditions)
        made = self._condition_records
        against = self.condition_against
        fit_texts = self._fit_texts
        for k, c in enumerate(conditions):
            keys, items = _keyed_items(key_rows[k], made[c], c, self._finding_record)
            if sign_origins or localised:
                place = n_findings  # the added items' places, after every finding's
                best = best_sites[k]
                for row, how in sign_origins:
                    sign = self._sign_evidence_at(c, best, row, how)
                    if sign is not None:
                        _insert(keys, items, _order_key(sign[1], place, FINDING_LOW_SPAN), sign[2])
                        place += 1
                if localised:
                    fit = fits[k]
                    if abs(fit) >= MIN_WEIGHT:
                        rounded = round(fit, 4)
                        label, detail = fit_texts.get(best) or self._fit_text(best)
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
                        # the last added item: its place in the items, the keys left as they are
                        cut = bisect_left(keys, against)
                        items.insert(
                            bisect_left(keys, _order_key(rounded, place, FINDING_LOW_SPAN)), fit_record
                        )
                        if rounded > 0:
                            cut += 1
                        out.append(_evidence_set({"for_": items[:cut], "against": items[cut:]}))
                        continue
            cut = bisect_left(keys, against)
            out.append(_evidence_set({"for_": items[:cut], "against": items[cut:]}))
        return out

    def _best_sites(self, conditions: list[int], site_ll: list[float], most: float) -> list[int] | None:
        """``tie_argmax(self.log_link[conditions] + site_ll, LOG_TOLERANCE)`` read from each
        condition's few linked sites (the same additions and comparisons on the same floats), or
        None when a site it does not link to (log_link at its floor) could tie with the best (the
        caller then takes the whole rows). ``most``: the largest of ``site_ll``."""
        linked, floor = self._linked, self._unlinked_log
        out = []
        for c in conditions:
            entries = linked[c]
            if not entries:
                return None
            best = max([log_link + site_ll[h] for h, log_link in entries])
            least = best - LOG_TOLERANCE
            if not floor + most < least:
                return None  # an unlinked site's value (floor + its site_ll) could reach the best
            for h, log_link in entries:  # the first (lowest) site within tolerance of the best
                if log_link + site_ll[h] >= least:
                    out.append(h)
                    break
        return out

    def _add_origins(self, hows: list[str | None]) -> None:
        """Give an origin not seen before a code (the condition key matrix is made again with it)."""
        for how in hows:
            if how not in self.origin_codes:
                if len(self.origins) >= ORIGIN_SPAN:
                    raise ValueError(f"more than {ORIGIN_SPAN} finding origins: {self.origins}")
                self.origin_codes[how] = len(self.origins)
                self.origins.append(how)
        self.origin_slots = len(self.origins)
        self._condition_key_rows = None

    def _condition_key_matrix(self) -> npt.NDArray[np.int64]:
        """The sort key of each item each condition shows (0: not shown), a row per finding column
        (present f as f, absent as F + f) times origin_slots plus the origin code, a column per
        condition (see WEIGHT_SPAN)."""
        compiled = self.compiled
        n_findings, slots = self.n_findings, self.origin_slots
        matrix = np.zeros((2 * n_findings * slots, len(compiled.conditions)), dtype=np.int64)
        for c in range(len(compiled.conditions)):
            for absent, (shown, weights) in enumerate(
                [
                    (self.shown_present[c], compiled.weight_present[c]),
                    (self.shown_absent[c], compiled.weight_absent[c]),
                ]
            ):
                for f in np.flatnonzero(shown).tolist():
                    row = (n_findings * absent + f) * slots
                    key = _order_key(round(float(weights[f]), 4), f, FINDING_LOW_SPAN) + absent * ORIGIN_SPAN
                    for code in range(slots):
                        matrix[row + code, c] = key + code
        self._condition_key_rows = matrix
        return matrix

    def _finding_record(self, c: int, key: int) -> Evidence:
        """The record of condition ``c``'s item with sort key ``key``, made and kept."""
        low = key % FINDING_LOW_SPAN
        absent, code = divmod(low, ORIGIN_SPAN)
        f = key // FINDING_LOW_SPAN % PLACE_SPAN
        compiled = self.compiled
        weight = compiled.weight_absent[c, f] if absent else compiled.weight_present[c, f]
        _, record = self.finding_item(c, f, not absent, float(weight))
        made: Evidence = _evidence({**record, "origin": self.origins[code]})
        self._condition_records[c][key] = made
        return made

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
        """The lesion-pattern item's label and detail at the condition's most likely site (kept)."""
        known = self._fit_item(best)
        text = self._fit_texts[best] = known["label"], known["detail"]
        return text

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

    def sites(
        self, sites: list[int], encoded: EncodedCase, columns: Sequence[int] | None = None
    ) -> list[EvidenceSet]:
        """The evidence for and against each of the listed lesion sites.

        ``columns``: the observation columns the case has (observed o as o, not observed as O + o),
        as engine/core.py's one-case path has them; read from ``encoded`` when not given."""
        if columns is None:
            columns = _columns(encoded.observed_present, encoded.observed_absent)
        out = []
        matrix = self._site_key_rows
        if matrix is None:
            matrix = self._site_key_matrix()
        made = self._site_records
        against = self.site_against
        for h, row in zip(sites, _key_rows(matrix, columns, sites), strict=True):
            keys, items = _keyed_items(row, made[h], h, self._site_record)
            cut = bisect_left(keys, against)
            out.append(_evidence_set({"for_": items[:cut], "against": items[cut:]}))
        return out

    def _site_key_matrix(self) -> npt.NDArray[np.int64]:
        """The sort key of each item each site shows (0: not shown), a row per observation column
        (observed o as o, not observed as O + o), a column per site."""
        n_observations = self.n_observations
        matrix = np.zeros((2 * n_observations, self.n_sites), dtype=np.int64)
        for h in range(self.n_sites):
            for absent, (shown, weights) in enumerate(
                [
                    (self.site_shown_present[h], self.site_weight_present[h]),
                    (self.site_shown_absent[h], self.site_weight_absent[h]),
                ]
            ):
                for o in np.flatnonzero(shown).tolist():
                    key = _order_key(round(float(weights[o]), 4), o, SITE_LOW_SPAN) + absent
                    matrix[n_observations * absent + o, h] = key
        self._site_key_rows = matrix
        return matrix

    def _site_record(self, h: int, key: int) -> Evidence:
        """The record of site ``h``'s item with sort key ``key``, made and kept."""
        absent = key % SITE_LOW_SPAN
        o = key // SITE_LOW_SPAN % PLACE_SPAN
        weight = self.site_weight_absent[h, o] if absent else self.site_weight_present[h, o]
        _, record = self.site_item(h, o, not absent, float(weight))
        made: Evidence = _evidence(record.copy())
        self._site_records[h][key] = made
        return made


_evidence = exact_maker(Evidence)
_evidence_set = exact_maker(EvidenceSet)


def _order_key(weight: float, place: int, low_span: int) -> int:
    """The sort key of an item of rounded ``weight`` at ``place``, its low bits zero (see WEIGHT_SPAN)."""
    size = abs(weight) * 10_000  # within a few ulps of an integer: int(size + 0.5) is that integer
    scaled = int(size + 0.5) if size < WEIGHT_SPAN - 1 else WEIGHT_SPAN - 1
    return (((weight < 0) * WEIGHT_SPAN + WEIGHT_SPAN - scaled) * PLACE_SPAN + place) * low_span


def _insert(keys: list[int], items: list[Evidence], key: int, item: Evidence) -> None:
    """Put an added item into an entry's sorted items at its key's place."""
    at = bisect_left(keys, key)
    keys.insert(at, key)
    items.insert(at, item)


def _columns(
    present: npt.NDArray[np.bool_], absent: npt.NDArray[np.bool_], left_out: Any = None
) -> list[int]:
    """The columns of a case's rows: each present index i as i, each absent one as n + i (less
    those ``left_out`` marks)."""
    if left_out is not None:
        kept = ~left_out
        present, absent = present & kept, absent & kept
    n = len(present)
    columns: list[int] = present.nonzero()[0].tolist()
    return columns + [n + i for i in absent.nonzero()[0].tolist()]


def explainer(compiled: CompiledKnowledge) -> Explainer:
    """The explainer, built once and kept on the compiled knowledge (it dies with it)."""
    return held(compiled, "explainer", Explainer)


def _key_rows(matrix: npt.NDArray[np.int64], rows: Sequence[int], entries: Sequence[int]) -> list[list[int]]:
    """Per entry (a column of ``matrix``), the keys of the case's ``rows``, sorted, the items not
    shown (0) first: the rows are read once for every listed entry (a few hundred contiguous
    bytes each) and sorted by one numpy call."""
    if not rows:
        return [[] for _ in entries]
    block = matrix.take(rows, axis=0).T.take(entries, axis=0)  # (entries, rows), a copy
    block.sort(axis=1)
    keys: list[list[int]] = block.tolist()
    return keys


def _keyed_items(
    row: list[int], records: dict[int, Evidence], owner: int, make: Callable[[int, int], Evidence]
) -> tuple[list[int], list[Any]]:
    """An entry's sorted item keys (``row``: :func:`_key_rows`' row, 0 for an item not shown) and
    their records; a record not made yet is made once by ``make(owner, key)`` (which keeps it in
    ``records``)."""
    keys = row[bisect_right(row, 0) :]
    items: list[Any] = list(map(records.get, keys))  # None where not made yet
    if not all(items):
        items = [record or make(owner, key) for record, key in zip(items, keys, strict=True)]
    return keys, items
