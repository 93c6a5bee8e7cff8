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
from nervemap.engine.encode import EncodedCase, encode_case
from nervemap.engine.inference import Posterior, infer, posterior_of


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
    return score_encoded(compiled, [encode_case(case, compiled) for case in cases])


def score_encoded(compiled: CompiledKnowledge, encoded: Sequence[EncodedCase]) -> Scored:
    """:func:`score` of cases already encoded."""
    return score_rows(compiled, *stack_encoded(compiled, encoded))


def score_rows(
    compiled: CompiledKnowledge,
    present: FloatArray,
    absent: FloatArray,
    observed: FloatArray,
    unobserved: FloatArray,
    prior: FloatArray,
    signs: FloatArray,
    *,
    joint: bool = True,
) -> Scored:
    """:func:`score` of the evidence matrices (B x F scored findings present and absent, B x O
    lesion observations present and absent, B x C log priors, B x S nerve-tension sign states).

    ``joint=False``: the log evidence from matrix products over the (C, H) link, without building
    the B x C x H joint (``log_joint`` is then empty); the same figure to rounding, several times
    cheaper for a batch of hypothetical answers."""
    posterior = infer(compiled, present, absent, observed, unobserved, prior, signs)
    return score_posterior(compiled, posterior, prior, signs, joint=joint)


def score_loglik(
    compiled: CompiledKnowledge,
    condition_loglik: FloatArray,
    site_loglik: FloatArray,
    prior: FloatArray,
    signs: FloatArray,
) -> Scored:
    """:func:`score_rows` (``joint=False``) of rows whose log likelihoods are already summed (B x C
    findings, B x H lesion observations): the hypothetical answers of the interview
    (``interview/incremental.py``, ``CaseEncoder.logliks``)."""
    posterior = posterior_of(compiled, condition_loglik, site_loglik, prior, signs)
    return score_posterior(compiled, posterior, prior, signs, joint=False)


def score_posterior(
    compiled: CompiledKnowledge,
    posterior: Posterior,
    prior: FloatArray,
    signs: FloatArray,
    *,
    joint: bool = True,
) -> Scored:
    """Entropies and log evidence of each row of ``posterior`` (see :func:`score_rows`)."""
    rows = len(prior)
    if joint:
        log_joint = _log_joint(compiled, prior, posterior, signs)
        flat = log_joint.reshape(rows, -1)
        top = flat.max(axis=1)
        log_evidence = top + np.log(np.exp(flat - top[:, None]).sum(axis=1))
    else:
        log_joint = np.zeros((rows, 0, 0))
        log_evidence = _log_evidence(
            compiled, prior + posterior.condition_loglik, posterior.site_loglik, signs
        )
        lost = np.flatnonzero(~np.isfinite(log_evidence))
        if len(lost):  # every linked (c, h) pair underflowed after scaling: sum the joint itself
            part = Posterior(
                posterior.conditions[lost],
                posterior.sites[lost],
                posterior.condition_loglik[lost],
                posterior.site_loglik[lost],
            )
            flat = _log_joint(compiled, prior[lost], part, signs[lost]).reshape(len(lost), -1)
            top = flat.max(axis=1)
            log_evidence[lost] = top + np.log(np.exp(flat - top[:, None]).sum(axis=1))
    return Scored(
        conditions=posterior.conditions,
        sites=posterior.sites,
        entropy_conditions=entropy(posterior.conditions),
        entropy_sites=entropy(posterior.sites),
        log_evidence=log_evidence,
        log_joint=log_joint,
    )


def _log_joint(
    compiled: CompiledKnowledge, prior: FloatArray, posterior: Posterior, signs: FloatArray
) -> FloatArray:
    """(B, C, H) unnormalised log P(c, h, case)."""
    n_conditions, n_sites = compiled.site_given_condition.shape
    with np.errstate(divide="ignore"):
        log_link = np.log(compiled.site_given_condition)
    joint = (
        (prior + posterior.condition_loglik)[:, :, None]
        + log_link[None, :, :]
        + posterior.site_loglik[:, None, :]
    )
    if signs.shape[1] and signs.any():
        joint = joint + (signs @ compiled.sign_log_factor).reshape(len(prior), n_conditions, n_sites)
    return np.asarray(joint, dtype=np.float64)


def _log_evidence(
    compiled: CompiledKnowledge, condition_log: FloatArray, site_log: FloatArray, signs: FloatArray
) -> FloatArray:
    """log sum_{c,h} exp(condition_log[c] + log P(h | c) + sign factor(c, h) + site_log[h]) per row:
    weights scaled by each row's maximum, summed through the (C, H) link as two matrix products per
    pattern of sign states (the grouping ``infer`` uses)."""
    link = compiled.site_given_condition
    n_conditions, n_sites = link.shape
    top_c = condition_log.max(axis=1)
    top_h = site_log.max(axis=1)
    weight_c = np.exp(condition_log - top_c[:, None])
    weight_h = np.exp(site_log - top_h[:, None])
    out = top_c + top_h
    codes = signs @ (2.0 ** np.arange(signs.shape[1])) if signs.shape[1] else np.zeros(len(signs))
    unique_codes, first, group = np.unique(codes, return_index=True, return_inverse=True)
    for g in range(len(unique_codes)):
        members = np.flatnonzero(group == g)
        pattern = signs[first[g]]
        if pattern.any():
            log_signs = (pattern @ compiled.sign_log_factor).reshape(n_conditions, n_sites)
            top_s = log_signs.max()
            case_link = link * np.exp(log_signs - top_s)
        else:
            top_s, case_link = 0.0, link
        total = (weight_c[members] * (weight_h[members] @ case_link.T)).sum(axis=1)
        with np.errstate(divide="ignore"):
            out[members] += top_s + np.log(total)
    return np.asarray(out, dtype=np.float64)
