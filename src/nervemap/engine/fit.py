"""Out-of-model warning: do the present findings fit any condition nervemap models?

The engine assumes exactly one modelled condition explains the case. When the truth is something
it does not model (rhabdomyolysis, myeloma, restless legs) or two unrelated problems at once, the
posterior still sums to one and lands on the least bad condition. This check looks at the
evidence instead of the posterior:

* a present finding is *unexplained* by a condition when that condition makes it rare
  (P(finding | condition) < ``RARE``) and no more likely than in leg pain generally
  (P(finding | condition) <= background);
* for every modelled condition we count its unexplained present findings; the case *fits* when
  some condition leaves fewer than ``MIN_UNEXPLAINED`` of them.

So a case is flagged only when every single condition, the best one included, leaves at least
two rare findings unaccounted for. Only manifestations count (symptoms, examination, tests,
imaging): demographic and history findings are context. Findings read off the structured
examination and pain map are scored through the lesion site, not per condition, and are left out.
The thresholds are policy choices (expert estimates), checked on the golden cases (none should be
flagged) and on a two-system case (it must be). The check never lowers triage; an inadequate fit
only stops "self-care" (see ``engine/triage.py``).
"""

from __future__ import annotations

import numpy as np

from nervemap.engine.assessment import Fit
from nervemap.engine.compiled import CompiledKnowledge, FloatArray
from nervemap.engine.encode import EncodedCase

# Who the patient is and what they have had (age band, sex, duration, comorbidities, risk factors,
# medicines) is context, not a manifestation a condition must explain.
CONTEXT = ("demographic", "history")
# expert-estimate policy: a finding seen in fewer than 1 in 10 cases of a condition is rare in it
RARE = 0.10
# expert-estimate policy: one stray finding is common (comorbidity, a reading error); two are not
MIN_UNEXPLAINED = 2


def assess_fit(compiled: CompiledKnowledge, encoded: EncodedCase, posterior: FloatArray) -> Fit:
    """The out-of-model verdict for one case (``posterior``: its condition probabilities)."""
    context = np.array(
        [compiled.findings[fid].category in CONTEXT for fid in compiled.finding_ids], dtype=bool
    )
    present = np.flatnonzero(encoded.scored_present & ~context)
    if present.size < MIN_UNEXPLAINED:
        return Fit(adequate=True, reason="too few findings to judge the fit")
    # P(finding | condition) on the background's scale (the engine's own scoring figure)
    p = np.exp(compiled.log_present[:, present])  # (C, k)
    background = compiled.background[present]
    unexplained = (p < RARE) & (p <= background[None, :] * (1 + 1e-9))
    counts = unexplained.sum(axis=1)
    fewest = int(counts.min())
    # among the conditions that leave the fewest findings unexplained, the most probable one
    candidates = np.flatnonzero(counts == fewest)
    best = int(candidates[np.argmax(posterior[candidates])])
    name = compiled.conditions[best].name
    ids = [compiled.finding_ids[f] for f in present[unexplained[best]]]
    if fewest < MIN_UNEXPLAINED:
        return Fit(
            adequate=True,
            unexplained=ids,
            reason=f"the findings fit {name}"
            + (f" except {', '.join(ids)}" if ids else "")
            + f" (at most {MIN_UNEXPLAINED - 1} rare finding left unexplained)",
        )
    labels = ", ".join(compiled.findings[i].clinician.lower() for i in ids)
    return Fit(
        adequate=False,
        unexplained=ids,
        reason=f"these findings are not explained by any condition nervemap models ({labels}); "
        f"even the best fit, {name}, leaves {fewest} rare findings unexplained: consider a "
        "condition outside the model (or two problems at once) and assess clinically",
    )
