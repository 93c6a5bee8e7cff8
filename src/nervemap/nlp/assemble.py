"""Draft -> Case: one value per case item (``engine/items.py``), conflicts settled.

What the readers wrote is said of case items - a finding (and its side), a muscle, a reflex or a skin
region on a side, a pain mark, a field of the patient, a score, the imaging - and the case is made
from them by ``engine.items.case_of``, as every other way into a case is made. Settled per item:

- A finding said both present and absent is present (a stated positive is more specific than a
  review-of-systems denial); a warning names it.
- A grade stated for one muscle or reflex beats one stated for all ("DTRs 2+ except absent left
  Achilles"); between specific grades the most abnormal wins. So for sensation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from nervemap.engine.case import Case, PainMark, Status
from nervemap.engine.items import Item, ItemKind, case_of
from nervemap.knowledge.models import Setting
from nervemap.nlp.draft import Draft
from nervemap.nlp.knowledge import TextKnowledge

Said = list[tuple[Item, Any]]
_SENSATION_RANK = {"normal": 0, "increased": 1, "reduced": 2, "absent": 3}


def _findings(draft: Draft) -> Said:
    chosen: dict[Item, Status] = {}
    for finding_id, stated, side in draft.findings:
        item = Item(ItemKind.FINDING, finding_id, side)
        status = Status(stated)
        previous = chosen.get(item)
        if previous is not None and previous != status:
            draft.warn(f"'{finding_id}' is mentioned both present and absent; kept present")
            status = Status.PRESENT
        chosen[item] = status
    # a finding given without a side and also with one: keep the sided entries
    sided = {item.target for item in chosen if item.side is not None}
    # the engine accepts a lateral finding present on one side and absent on another only
    # with sides; an unsided absent plus a sided present is dropped here
    return [
        (item, status) for item, status in chosen.items() if item.side is not None or item.target not in sided
    ]


def _settled(entries: Iterable[tuple[Item, Any, bool]], worse: Callable[[Any, Any], bool]) -> Said:
    """One value per item: a value stated for the item itself (specific) beats one stated for all;
    between equally specific values the worse one (``worse(new, old)``) wins."""
    chosen: dict[Item, tuple[Any, bool]] = {}
    for item, value, specific in entries:
        previous = chosen.get(item)
        if (
            previous is None
            or (specific and not previous[1])
            or (specific == previous[1] and worse(value, previous[0]))
        ):
            chosen[item] = (value, specific)
    return [(item, value) for item, (value, _) in chosen.items()]


def _pain(draft: Draft) -> list[PainMark]:
    """The pain marks, without a whole part that refers back to an aspect already named.

    "Pain in the front and outer side of the left thigh ... the stretch brings on the left thigh
    pain": the second mention names the same pain, not the whole thigh. A part named without its
    aspect is kept whole only when no aspect of it was named for the same symptom and side.
    """
    named = draft.pain_aspects
    kept: list[PainMark] = []
    for mark in dict.fromkeys(draft.pain):
        part = draft.pain_parts.get(mark, frozenset())
        aspects = {PainMark(region=r, side=mark.side, kind=mark.kind) for r in part}
        if mark not in named and aspects & named:
            continue
        kept.append(mark)
    return kept


def said(draft: Draft, setting: Setting) -> Said:
    """What the draft says, as (case item, value) pairs in the order the case lists them."""
    out: Said = [(Item(ItemKind.SETTING), setting)]
    for kind, value in (
        (ItemKind.AGE, draft.age),
        (ItemKind.SEX, draft.sex),
        (ItemKind.DURATION, draft.duration_days),
        (ItemKind.ONSET, draft.onset),
    ):
        if value is not None:
            out.append((Item(kind), value))
    out += [(Item(ItemKind.PAIN, m.region, m.side), m.kind) for m in _pain(draft)]
    out += _findings(draft)
    out += _settled(
        ((Item(ItemKind.STRENGTH, t.movement, t.side), t.grade, specific) for t, specific in draft.strength),
        lambda new, old: abs(new - 5) > abs(old - 5),
    )
    out += _settled(
        ((Item(ItemKind.REFLEX, t.reflex, t.side), t.grade, specific) for t, specific in draft.reflexes),
        lambda new, old: abs(new - 2) > abs(old - 2),
    )
    out += _settled(
        ((Item(ItemKind.SENSATION, t.region, t.side), t.status, specific) for t, specific in draft.sensation),
        lambda new, old: _SENSATION_RANK[new] > _SENSATION_RANK[old],
    )
    out += _scores(draft)
    return out


def assemble(draft: Draft, setting: Setting) -> Case:
    """The case the draft says. A note lists only the regions it mentions, so its pain map is not
    the whole map (``pain_map_complete`` False); the measurements read set their findings.

    The imaging read (``ImagingFinding`` records the reader made, the case's own type) is given
    as a field of the case rather than as the ``IMAGING`` item: the item's check validates a
    whole case around the list, on every note, an empty list included, and the case's own
    validation keeps the same records (a model instance is not validated again)."""
    return case_of(
        in_the_knowledge(draft, said(draft, setting)),
        pain_map_complete=False,
        measurements=draft.measurements,
        imaging=list(dict.fromkeys(draft.imaging)),
    )


def _known_targets(knowledge: TextKnowledge) -> dict[ItemKind, frozenset[str]]:
    anatomy = knowledge.kb.anatomy
    findings = frozenset(f.id for f in knowledge.kb.findings)
    regions = frozenset(r.id for r in anatomy.regions)
    return {
        ItemKind.FINDING: findings,
        ItemKind.FINDING_SIDE: findings,
        ItemKind.PAIN: regions,
        ItemKind.SENSATION: regions,
        ItemKind.STRENGTH: frozenset(m.id for m in anatomy.movements),
        ItemKind.REFLEX: frozenset(r.id for r in anatomy.reflexes),
    }


def in_the_knowledge(draft: Draft, pairs: Said) -> Said:
    """The pairs whose finding, region, movement or reflex the knowledge base has, each other one
    dropped with a warning. The reader's vocabulary (``nlp/data``) is written for the packaged
    knowledge base; a smaller or older one (``--data``) would otherwise reject the whole note."""
    known = draft.knowledge.memo("item targets", lambda: _known_targets(draft.knowledge))
    kept: Said = []
    for item, value in pairs:
        targets = known.get(item.kind)
        if targets is not None and item.target not in targets:
            draft.warn(f"'{item.target}' ({item.kind}) is not in this knowledge base; not used")
            continue
        kept.append((item, value))
    return kept


def _scores(draft: Draft) -> Said:
    """The pain scores read; ``pain_nrs`` (what severity reads) is the worse of them."""
    read = draft.pain_scores
    if not read:
        return []
    scores: Said = [(Item(ItemKind.SCORE, "pain_nrs"), max(read.values()))]
    for place, name in (("leg", "leg_pain_nrs"), ("back", "back_pain_nrs")):
        if place in read:
            scores.append((Item(ItemKind.SCORE, name), read[place]))
    return scores
