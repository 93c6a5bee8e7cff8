"""Pay the text reader's first-note costs before the first note arrives (issue 16).

The first note a process reads loads medSpaCy and spaCy, builds the rule matchers and compiles the
readers' patterns: 3-12 s on this 2-core machine (quiet to loaded), and the next few notes still
compile what their words first reach (0.1-0.5 s). In a server that is the first clinician's request,
close to its time limit under load. :func:`warm_reader` reads one short note that reaches every
reader (pain map and sides, grades, reflexes, sensation, imaging, vital signs, blood results, a
denied red flag, the setting) so that the service pays this once when it starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nervemap.knowledge.models import KnowledgeBase

# Invented wording, chosen to pass every reader's pre-check; what it reads does not matter.
WARM_UP_NOTE = (
    "Seen in the emergency department. A 58-year-old woman with low back pain radiating down the left "
    "leg to the big toe for 3 weeks, worse on coughing, no saddle numbness, bladder and bowel normal. "
    "She denies fever. Left EHL 4/5, ankle dorsiflexion 4+/5, knee jerk 2+ and ankle jerk absent on the "
    "left; reduced sensation over the dorsum of the left foot. Straight leg raise positive at 40 degrees "
    "on the left. Temperature 37.2 C, heart rate 88, blood pressure 132/84. CRP 4 mg/L. MRI: left "
    "paracentral disc protrusion at L4-5 compressing the traversing L5 nerve root."
)


def warm_reader(knowledge: KnowledgeBase | None = None) -> None:
    """Read :data:`WARM_UP_NOTE` with ``knowledge``'s reader (default: the packaged knowledge base),
    so that medSpaCy, the matchers and the readers' patterns are built now."""
    from nervemap.nlp.extract import extract

    extract(WARM_UP_NOTE, knowledge=knowledge)
