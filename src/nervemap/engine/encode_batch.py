"""A batch of cases as evidence matrices (the batch form of engine/encode.py's per-case encoder).

:class:`EncodedBatch` holds the matrices the core scores, one row per case, and what the output
records need besides (how each finding was known, its sides, the encoder's notes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from nervemap.engine.compiled import SIDES, CompiledKnowledge, FloatArray
from nervemap.engine.encode import EXAM_DERIVED, EncodedCase

BoolArray = npt.NDArray[np.bool_]
# how a finding was known (EncodedCase.origin), as a small code; 0: not known
ORIGINS: list[str] = ["", "derived", EXAM_DERIVED, "imaging", "reported"]
UNMARKED = np.iinfo(np.int32).max


def origin_code(origin: str) -> int:
    if origin not in ORIGINS:
        ORIGINS.append(origin)
    return ORIGINS.index(origin)


@dataclass
class EncodedBatch:
    present: BoolArray  # (B, F)
    absent: BoolArray  # (B, F)
    site_scored: BoolArray  # (B, F)
    observed_present: BoolArray  # (B, O)
    observed_absent: BoolArray  # (B, O)
    sign_states: BoolArray  # (B, K * len(SIGN_STATES))
    settings: list[str]
    origin: npt.NDArray[np.int8]  # (B, F) index into ORIGINS
    first: npt.NDArray[np.int32]  # (B, F) when the finding was first known (order of findings used)
    sides: BoolArray  # (B, F, 2) left, right
    notes: list[list[str]]
    finding_ids: list[str]
    _prior: FloatArray | None = field(default=None, repr=False)
    _cases: dict[int, EncodedCase] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.settings)

    def log_prior(self, compiled: CompiledKnowledge) -> FloatArray:
        if self._prior is None:
            priors = compiled.log_prior
            self._prior = np.array([priors[s] for s in self.settings]).reshape(len(self), -1)
        return self._prior

    def rows(self, start: int, stop: int) -> EncodedBatch:
        if start == 0 and stop == len(self):
            return self
        return EncodedBatch(
            self.present[start:stop],
            self.absent[start:stop],
            self.site_scored[start:stop],
            self.observed_present[start:stop],
            self.observed_absent[start:stop],
            self.sign_states[start:stop],
            self.settings[start:stop],
            self.origin[start:stop],
            self.first[start:stop],
            self.sides[start:stop],
            self.notes[start:stop],
            self.finding_ids,
            None if self._prior is None else self._prior[start:stop],
            {i - start: e for i, e in self._cases.items() if start <= i < stop},
        )

    def origins(self, i: int) -> list[tuple[int, str]]:
        """(finding index, origin) of the findings case ``i`` used, in the order they were known."""
        known = np.flatnonzero(self.origin[i])
        known = known[np.argsort(self.first[i, known], kind="stable")]
        codes = self.origin[i, known].tolist()
        return [(f, ORIGINS[code]) for f, code in zip(known.tolist(), codes, strict=True)]

    def case(self, i: int) -> EncodedCase:
        """Row ``i`` as the per-case encoder's EncodedCase (built on first use)."""
        known = self._cases.get(i)
        if known is not None:
            return known
        ids = self.finding_ids
        origin: dict[str, str] = {}
        sides: dict[str, set[str]] = {}
        for f, how in self.origins(i):
            origin[ids[f]] = how
        for f in np.flatnonzero(self.sides[i].any(axis=1)).tolist():
            sides[ids[f]] = {s for s, seen in zip(SIDES, self.sides[i, f].tolist(), strict=True) if seen}
        encoded = EncodedCase(
            self.present[i],
            self.absent[i],
            self.observed_present[i],
            self.observed_absent[i],
            self.sign_states[i],
            self.settings[i],
            self.site_scored[i],
            origin,
            sides,
            list(self.notes[i]),
        )
        self._cases[i] = encoded
        return encoded

    @classmethod
    def of(cls, compiled: CompiledKnowledge, encoded: Sequence[EncodedCase]) -> EncodedBatch:
        """Stack cases encoded one by one (engine/encode.encode_case)."""
        n, n_findings = len(encoded), len(compiled.finding_ids)
        index = compiled.finding_index
        origin = np.zeros((n, n_findings), dtype=np.int8)
        first = np.full((n, n_findings), UNMARKED, dtype=np.int32)
        sides = np.zeros((n, n_findings, 2), dtype=bool)
        for i, e in enumerate(encoded):
            for k, (fid, how) in enumerate(e.origin.items()):
                f = index[fid]
                origin[i, f] = origin_code(how)
                first[i, f] = k
            for fid, seen in e.sides.items():
                f = index[fid]
                sides[i, f, 0] = "left" in seen
                sides[i, f, 1] = "right" in seen
        batch = cls(
            _stack([e.present for e in encoded], n_findings),
            _stack([e.absent for e in encoded], n_findings),
            _stack([e.site_scored for e in encoded], n_findings),
            _stack([e.observed_present for e in encoded], len(compiled.observations)),
            _stack([e.observed_absent for e in encoded], len(compiled.observations)),
            _stack([e.sign_states for e in encoded], compiled.sign_log_factor.shape[0]),
            [e.setting for e in encoded],
            origin,
            first,
            sides,
            [e.notes for e in encoded],
            compiled.finding_ids,
        )
        batch._cases = dict(enumerate(encoded))
        return batch


def _stack(rows: Sequence[BoolArray], width: int) -> BoolArray:
    if not rows:
        return np.zeros((0, width), dtype=bool)
    return np.stack(rows).astype(bool, copy=False)
