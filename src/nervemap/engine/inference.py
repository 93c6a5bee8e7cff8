"""Joint inference over conditions and lesion sites, vectorised over a batch of cases.

    P(c, h | x) ∝ prior(c) · Π_f P(x_f | c) · P(h | c) · Π_o P(x_o | h)

Findings x_f speak to the condition, lesion observations x_o to the site, and the knowledge
base's P(h | c) ties the two (a paracentral L4-5 disc presses L5). Both marginals come from two
matrix products, so a batch of cases costs a handful of BLAS calls.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from nervemap.engine.compiled import CompiledKnowledge, FloatArray

# Exponent floor: keeps exp() of very unlikely hypotheses from underflowing the whole row.
LOG_FLOOR = -700.0


@dataclass
class Posterior:
    conditions: FloatArray  # (B, C)
    sites: FloatArray  # (B, H)
    condition_loglik: FloatArray  # (B, C) log P(findings | c)
    site_loglik: FloatArray  # (B, H) log P(observations | h)
    # (B, C) what the lesion observations and signs add to each condition (up to a row scale):
    # the sum over sites of P(observations | h) P(h | c); see :func:`conditions_given`
    site_term: FloatArray | None = None


def condition_loglik(compiled: CompiledKnowledge, present: FloatArray, absent: FloatArray) -> FloatArray:
    return present @ compiled.log_present.T + absent @ compiled.log_absent.T


def site_loglik(compiled: CompiledKnowledge, observed: FloatArray, unobserved: FloatArray) -> FloatArray:
    weight = compiled.knowledge.localisation.absence_weight.value
    return observed @ compiled.loc_log_present.T + weight * (unobserved @ compiled.loc_log_absent.T)


def infer(
    compiled: CompiledKnowledge,
    present: FloatArray,
    absent: FloatArray,
    observed: FloatArray,
    unobserved: FloatArray,
    log_prior: FloatArray,
    sign_states: FloatArray | None = None,
) -> Posterior:
    """Posterior marginals for a batch.

    Inputs are 0/1 float matrices (B×F findings, B×O lesion observations, B×S nerve-tension sign
    states) and B×C log priors.
    """
    cond_ll = condition_loglik(compiled, present, absent)
    site_ll = site_loglik(compiled, observed, unobserved)
    return posterior_of(compiled, cond_ll, site_ll, log_prior, sign_states)


def posterior_of(
    compiled: CompiledKnowledge,
    cond_ll: FloatArray,
    site_ll: FloatArray,
    log_prior: FloatArray,
    sign_states: FloatArray | None = None,
) -> Posterior:
    """:func:`infer` from the log likelihoods already summed (B x C findings, B x H lesion
    observations): what the interview uses for hypothetical answers whose log likelihoods are
    the current case's plus the few entries the answer changes (interview/incremental.py)."""
    cond_log = log_prior + cond_ll
    cond_weight = np.exp(np.maximum(cond_log - cond_log.max(axis=1, keepdims=True), LOG_FLOOR))
    site_weight = np.exp(np.maximum(site_ll - site_ll.max(axis=1, keepdims=True), LOG_FLOOR))
    link = compiled.site_given_condition  # (C, H): P(h | c)
    site_term = np.empty_like(cond_weight)
    sites = np.empty_like(site_weight)
    if sign_states is None:
        sign_states = np.zeros((len(cond_weight), 0))
    # Nerve-tension signs make the condition-site link depend on the case; cases that share a
    # pattern of signs share one (C, H) link matrix, so each group is still two matrix products.
    # each row of 0/1 sign states as one integer code: grouping 1-D codes is fast
    codes = sign_states @ (2.0 ** np.arange(sign_states.shape[1])) if sign_states.shape[1] else None
    groups: list[tuple[FloatArray, npt.NDArray[np.intp] | slice]]
    if codes is None or not len(codes):
        groups = [(np.zeros(0), slice(None))]
    elif len(codes) == 1 or (codes == codes[0]).all():  # one pattern (a single case, say): no grouping
        groups = [(sign_states[0], slice(None))]
    else:
        unique_codes, first, group = np.unique(codes, return_index=True, return_inverse=True)
        groups = [(sign_states[first[g]], np.flatnonzero(group == g)) for g in range(len(unique_codes))]
    n_conditions, n_sites = link.shape
    for pattern, rows in groups:
        if pattern.any():
            log_signs = (pattern @ compiled.sign_log_factor).reshape(n_conditions, n_sites)
            case_link = link * np.exp(log_signs - log_signs.max())
        else:
            case_link = link
        site_term[rows] = site_weight[rows] @ case_link.T
        sites[rows] = site_weight[rows] * (cond_weight[rows] @ case_link)
    joint_c = cond_weight * site_term
    conditions = joint_c / joint_c.sum(axis=1, keepdims=True)
    sites = sites / sites.sum(axis=1, keepdims=True)
    return Posterior(conditions, sites, cond_ll, site_ll, site_term)


def conditions_given(
    log_prior: FloatArray, condition_loglik: FloatArray, site_term: FloatArray
) -> FloatArray:
    """The condition posterior of findings scored against lesion observations already scored:
    ``site_term`` rows from :func:`infer` (``Posterior.site_term``) of cases with the same
    observations and nerve-tension signs, ``condition_loglik`` the findings' log likelihoods. The
    same arithmetic as :func:`infer`'s conditions, for other findings (red flags made unknown, say)
    without scoring the sites again."""
    # the ufuncs' reductions without ndarray.max's and .sum's Python wrappers (the same ufuncs, the
    # same values), and each step written into the one array (out=, in place: the same values
    # without an array per step): a case alone calls this once or twice
    conditions: FloatArray = log_prior + condition_loglik
    conditions -= np.maximum.reduce(conditions, axis=1, keepdims=True)
    np.maximum(conditions, LOG_FLOOR, out=conditions)
    np.exp(conditions, out=conditions)
    conditions *= site_term  # the joint: cond_weight * site_term (a product is the same either way)
    conditions /= np.add.reduce(conditions, axis=1, keepdims=True)
    return conditions
