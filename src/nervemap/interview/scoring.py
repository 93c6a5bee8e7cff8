"""Score many hypothetical cases at once with the engine's vectorised inference.

Each row is the current case plus one candidate answer. :func:`score` encodes the rows, runs
:func:`nervemap.engine.inference.infer` once on the whole batch and adds what the policy needs
on top of the posterior marginals: their entropies and the log evidence of each row (the
normaliser of the joint model, whose ratio between rows gives how likely each answer is).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nervemap.engine.assess import stack_encoded
from nervemap.engine.case import Case
from nervemap.engine.compiled import CompiledKnowledge, FloatArray
from nervemap.engine.encode import encode_case
from nervemap.engine.inference import infer


@dataclass(frozen=True)
class Scored:
    conditions: FloatArray  # (B, C) posterior
    sites: FloatArray  # (B, H) posterior
    entropy_conditions: FloatArray  # (B,) nats
    entropy_sites: FloatArray  # (B,) nats
    log_evidence: FloatArray  # (B,) log P(case) under the joint model, up to one constant
    log_joint: FloatArray  # (B, C, H) unnormalised log P(c, h, case)

    @property
    def entropy(self) -> FloatArray:
        return self.entropy_conditions + self.entropy_sites


def entropy(p: FloatArray) -> FloatArray:
    safe = np.where(p > 0, p, 1.0)
    return np.asarray(-(p * np.log(safe)).sum(axis=1), dtype=np.float64)


def score(compiled: CompiledKnowledge, cases: Sequence[Case]) -> Scored:
    """Posterior, entropies and evidence for every case, with one call of ``infer``."""
    encoded = [encode_case(case, compiled) for case in cases]
    present, absent, observed, unobserved, prior, signs = stack_encoded(compiled, encoded)
    posterior = infer(compiled, present, absent, observed, unobserved, prior, signs)
    n_conditions, n_sites = compiled.site_given_condition.shape
    with np.errstate(divide="ignore"):
        log_link = np.log(compiled.site_given_condition)
    joint = (
        (prior + posterior.condition_loglik)[:, :, None]
        + log_link[None, :, :]
        + posterior.site_loglik[:, None, :]
    )
    if signs.shape[1] and signs.any():
        joint = joint + (signs @ compiled.sign_log_factor).reshape(len(cases), n_conditions, n_sites)
    flat = joint.reshape(len(cases), -1)
    top = flat.max(axis=1)
    log_evidence = top + np.log(np.exp(flat - top[:, None]).sum(axis=1))
    return Scored(
        conditions=posterior.conditions,
        sites=posterior.sites,
        entropy_conditions=entropy(posterior.conditions),
        entropy_sites=entropy(posterior.sites),
        log_evidence=log_evidence,
        log_joint=joint,
    )
