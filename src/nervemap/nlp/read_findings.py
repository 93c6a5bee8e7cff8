"""Finding phrases and named examination tests -> reported findings."""

from __future__ import annotations

import functools
import re

from nervemap.nlp.draft import Draft, assertion
from nervemap.nlp.matching import Mention
from nervemap.nlp.read_grades import upper_limb_only
from nervemap.nlp.rules import compiler, load_rules
from nervemap.nlp.sides import SideOrBoth, assign_sides, combine, side_cues

# findings whose words do not say "leg": read only when the sentence is not about the arm
LEG_WORDED = frozenset(
    {
        "radiating_leg_pain",
        "leg_numbness",
        "leg_tingling",
        "subjective_leg_weakness",
        "leg_redness_warmth",
        "leg_swelling",
    }
)
_NORMAL_AFTER = re.compile(
    r"^\W{0,3}(?:\w+\s+){0,3}?(?:is|are|was|were)?\s*(?:normal|intact|unremarkable|fine|unchanged|"
    r"no\s+(?:change|problems?|issues?|complaints?))\b",
    re.IGNORECASE,
)
# "EMG found no evidence of radiculopathy": a test result, not the absence of leg pain
_ELECTRODIAGNOSIS = re.compile(r"\bEMG\b|\bNCS\b|nerve\s+conduction|electro\w*", re.IGNORECASE)
# Both legs named in the plural ("numbness in his lower extremities", "pain in the legs"): the finding
# is on both sides, not on a side the sentence or the note names for something else ("a stroke with
# right-sided weakness ... numbness in his lower extremities")
_BOTH_LEGS = re.compile(r"\b(?:lower\s+(?:extremities|limbs)|legs|feet)\b", re.IGNORECASE)
_BOTH_LEGS_AFTER = re.compile(
    r"\s+(?:in|of|down|into|over)\s+(?:the\s+|his\s+|her\s+|their\s+)?(?:lower\s+(?:extremities|limbs)|legs|feet)\b",
    re.IGNORECASE,
)
TEST_WORDED = frozenset({"radiating_leg_pain"})
# a note's section heading: a line that starts with a few words and a colon
_HEADING = re.compile(r"^[ \t]*([A-Za-z][A-Za-z /&()-]{1,60}?)[ \t]*:", re.MULTILINE)
_PAST_SECTION = re.compile(
    r"\b(?:past|previous|prior)\s+(?:medical\s+(?:and\s+surgical\s+)?|surgical\s+|operative\s+)?history\b|"
    r"\bsurgical\s+history\b|^(?:PMH|PSH|PMHx|PSHx)$|\boperations\b|\bsurgeries\b",
    re.IGNORECASE,
)
_PRESENT_SECTION = re.compile(
    r"\bhistory\s+of\s+(?:the\s+)?present(?:ing)?\s+(?:illness|complaint)|^HPI$|^HPC$|\bchief\s+complaint|"
    r"\bpresenting\s+complaint|\breason\s+for\s+(?:referral|consultation|visit)",
    re.IGNORECASE,
)
# words that make an operation recent: "two weeks after her hysterectomy", "recently", "post-op"
_RECENT = re.compile(
    r"\brecent(?:ly)?\b|\b(?:days?|weeks?|months?)\s+(?:ago|earlier|before|after|since|following|prior|post)\b|"
    r"\bpost-?op(?:erative(?:ly)?)?\b|\bpost-?partum\b|\bfollowing\b|\bafter\s+(?:an?|the|his|her|their)\b|"
    r"\bs/p\b|\bstatus\s+post\b|\bsince\s+(?:the|his|her)\b|\blast\s+(?:week|month)\b|\byesterday\b|"
    r"\bthis\s+(?:week|month)\b|\bday\s+\d+\b|\bPOD\s*\d|"
    # the illness dated from the operation in its sentence: "... fixed with a plate and has since been weak"
    r"\b(?:has|have)\s+since\b",
    re.IGNORECASE,
)

# a symptom dated as recent or getting worse: "since yesterday", "two days ago she began", "now worse"
_NEW_OR_WORSE = re.compile(
    r"\b(?:new|newly|worse|worsening|worsened|deteriorat\w*|increas\w*|began|begun|started|starting|"
    r"sudden\w*|recent\w*|today|yesterday|tonight|since)\b|\b(?:hours?|days?|weeks?)\s+ago\b|"
    r"\bthis\s+(?:morning|afternoon|evening|week)\b|\blast\s+(?:night|few\s+days|\d+\s+days)\b",
    re.IGNORECASE,
)

_REMOTE = re.compile(
    r"\byears?\s+ago\b|\bin\s+(?:19|20)\d\d\b|\bas\s+a\s+child\b|\bin\s+childhood\b", re.IGNORECASE
)

# the operation as the start of the complaint: "after/during/following (the) <operation>", or the
# next sentence dating the illness from it ("Since then", "Afterwards")
_RIGHT_AFTER = re.compile(r"\b(?:after|during|following|since|post)\s+(?:[\w-]+\s+){0,4}$", re.IGNORECASE)
_ONSET_AFTER = re.compile(
    r"[.;:!?]?\s*(?:since\s+(?:then|that\s+time|that|the\s+(?:operation|surgery|procedure))|afterwards|"
    r"after\s+(?:that|this|the\s+(?:operation|surgery|procedure))|following\s+(?:this|that|the\s+"
    r"(?:operation|surgery|procedure))|post-?operatively)\b",
    re.IGNORECASE,
)


def _section(text: str, position: int) -> str | None:
    """The heading of the section ``position`` is in (the last heading line before it)."""
    heading = None
    for match in _HEADING.finditer(text, 0, position):
        heading = match.group(1).strip()
    return heading


def recent_in_context(text: str, sentence: tuple[int, int], mention: Mention) -> bool:
    """An operation the note makes recent: a recency word in its sentence, or it is told in the
    present illness; one in a past (surgical) history list is history."""
    heading = _section(text, mention.start)
    if heading and _PAST_SECTION.search(heading):
        return False
    if _RIGHT_AFTER.search(text[max(sentence[0], mention.start - 40) : mention.start]):
        return True  # "weakness after gynecologic surgery", "during laparoscopic hernia repair"
    if _ONSET_AFTER.match(text, sentence[1]):
        return True  # "... hip replacement two years ago. Since then, ...": the illness began there
    if _REMOTE.search(text, sentence[0], sentence[1]):
        return False
    if _RECENT.search(text, sentence[0], sentence[1]):
        return True
    return bool(heading and _PRESENT_SECTION.search(heading))


def read_findings(draft: Draft) -> None:
    rules = load_rules().findings
    by_sentence: dict[tuple[int, int], list[Mention]] = {}
    for mention in draft.note.mentions:
        if mention.kind == "finding":
            by_sentence.setdefault(draft.sentence_of(mention.start), []).append(mention)
    lateral = draft.knowledge.lateral_findings
    for sentence, mentions in by_sentence.items():
        if upper_limb_only(draft.text[sentence[0] : sentence[1]]):
            mentions = [m for m in mentions if m.key not in LEG_WORDED]  # "arm radicular pain"
            if not mentions:
                continue
        sides = assign_sides(draft.text, sentence, [(m.start, m.end) for m in mentions], default=draft.side)
        for mention, side in zip(mentions, sides, strict=True):
            rule = rules[mention.rule]
            flags = set(mention.flags)
            status = assertion(
                flags, keep_historical=rule.chronic or mention.key in draft.knowledge.history_findings
            )
            if rule.negated_only and status == "present":
                after = draft.text[mention.end : min(mention.end + 40, sentence[1])]
                status = "absent" if _NORMAL_AFTER.search(after) else "not asserted"
            if rule.recent and status == "present":
                # an operation told over two sentences ("She broke her pelvis. The fracture was plated two
                # weeks ago"): its date may be in the sentence where the mention ends
                told = (sentence[0], max(sentence[1], draft.sentence_of(mention.end - 1)[1]))
                if not recent_in_context(draft.text, told, mention):
                    status = "not asserted"  # "Past surgical history: hysterectomy": not a recent operation
            if rule.present_only and status == "absent":
                status = "not asserted"  # "no claudication" denies the walking pain, not its relief at rest
            if rule.unless_recent and _NEW_OR_WORSE.search(draft.text, sentence[0], sentence[1]):
                pass  # "since yesterday, occasional incontinence": the words name the finding, dated recent
            elif rule.status == "absent":  # "afebrile": the words carry the negation
                status = assertion(flags - {"negated"})
                status = "absent" if status == "present" else status
            if (
                status == "absent"
                and mention.key in TEST_WORDED
                and _ELECTRODIAGNOSIS.search(draft.text, sentence[0], sentence[1])
            ):
                continue
            finding_side = side if mention.key in lateral else None
            if (
                finding_side is not None
                and (
                    _BOTH_LEGS.search(draft.text, mention.start, mention.end)
                    or _BOTH_LEGS_AFTER.match(draft.text, mention.end, sentence[1])
                )
                and not side_cues(draft.text, mention.start, mention.end)
            ):
                finding_side = "bilateral"
            value = mention.key + (f" {finding_side}" if finding_side else "")
            draft.add_item("finding", value, mention.start, mention.end, flags, status)
            if status == "present" or status == "absent":
                draft.findings.append((mention.key, status, finding_side))


@functools.cache
def _results() -> tuple[re.Pattern[str], re.Pattern[str]]:
    results = load_rules().results
    comp = compiler()
    return comp.words(results.positive), comp.words(results.negative)


_TEST_LIST = re.compile(r"^\s*(?:,|and|or|/|,\s*and)\s*(?:the\s+)?$", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"[,;]|\b(?:but|while|whereas)\b", re.IGNORECASE)


def read_tests(draft: Draft) -> None:
    positive, negative = _results()
    tests = [m for m in draft.note.mentions if m.kind == "test"]
    by_sentence: dict[tuple[int, int], list[Mention]] = {}
    for mention in tests:
        by_sentence.setdefault(draft.sentence_of(mention.start), []).append(mention)
    for sentence, mentions in by_sentence.items():
        mentions.sort(key=lambda m: m.start)
        # each result word belongs to the nearest test named in the sentence
        cues: list[tuple[int, int, str]] = []
        for pattern, result in ((positive, "present"), (negative, "absent")):
            for match in pattern.finditer(draft.text, *sentence):
                if any(m.start <= match.start() < m.end for m in mentions):
                    continue  # inside a test's name
                cues.append((match.start(), match.end(), result))
        owned: dict[int, list[tuple[int, int, str]]] = {i: [] for i in range(len(mentions))}
        for cue in cues:
            distances = [max(m.start - cue[1], cue[0] - m.end, 0) for m in mentions]
            nearest = min(range(len(mentions)), key=lambda i: distances[i])
            if distances[nearest] <= 60:
                owned[nearest].append(cue)
        # "Stinchfield, straight-leg raise, FABER and FADIR are negative": a result after a list
        # of tests is each one's result
        for i in range(len(mentions) - 2, -1, -1):
            gap = draft.text[mentions[i].end : mentions[i + 1].start]
            if not owned[i] and owned[i + 1] and _TEST_LIST.match(gap):
                owned[i] = [c for c in owned[i + 1] if c[0] >= mentions[i + 1].end]
        for i, mention in enumerate(mentions):
            owned[i] = _same_clause(draft.text, mention, owned[i])
        single = [i for i in range(len(mentions)) if len({c[2] for c in owned[i]}) == 1]
        spans = {i: _span(mentions[i], owned[i]) for i in single}
        # sides for all tests of the sentence at once, so each side word goes to its own test;
        # side words in clauses before the first test belong to other things ("reflexes normal
        # bilaterally, and SLR on the right is positive")
        breaks = list(_CLAUSE_BREAK.finditer(draft.text, sentence[0], mentions[0].start))
        scope = (breaks[-1].end() if breaks else sentence[0], sentence[1])
        sided = assign_sides(draft.text, scope, list(spans.values()), default=draft.side)
        side_of = dict(zip(spans, sided, strict=True))
        for i, mention in enumerate(mentions):
            side = side_of.get(i)
            if side == "bilateral" and mention.key in _crossed_tests():
                side = _symptomatic_side(draft.text, sentence) or side
            _read_test(draft, sentence, mention, owned[i], side)


@functools.cache
def _crossed_tests() -> frozenset[str]:
    return frozenset(t.finding for t in load_rules().tests if t.crossed)


# the leg that is stretched in a crossed test: "raising the right leg", "stretching the right femoral
# nerve", "when the right leg is lifted"
_STRETCHED_BEFORE = re.compile(
    r"\b(?:rais|lift|stretch|elevat|flex)\w*\s+(?:of\s+)?(?:the\s+|his\s+|her\s+)?$", re.IGNORECASE
)
_STRETCHED_AFTER = re.compile(
    r"\s+(?:leg|limb|side|femoral\s+nerve)\s+(?:is\s+|was\s+|being\s+)?(?:rais|lift|stretch|elevat|flex)",
    re.IGNORECASE,
)


def _symptomatic_side(text: str, sentence: tuple[int, int]) -> SideOrBoth | None:
    """The one side a crossed test's sentence names besides the stretched leg, if there is one."""
    sides = {
        cue.side
        for cue in side_cues(text, *sentence)
        if not _STRETCHED_BEFORE.search(text, max(sentence[0], cue.start - 30), cue.start)
        and not _STRETCHED_AFTER.match(text, cue.end, sentence[1])
    }
    return next(iter(sides)) if len(sides) == 1 and "bilateral" not in sides else None


def _span(mention: Mention, cues: list[tuple[int, int, str]]) -> tuple[int, int]:
    return (min(mention.start, *(c[0] for c in cues)), max(mention.end, *(c[1] for c in cues)))


def _same_clause(text: str, mention: Mention, cues: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Results that disagree: drop those in an earlier clause ("reflexes are normal
    bilaterally, and straight-leg raising on the right is positive at 45 degrees"). Results after
    the test stay ("negative on the right, positive on the left")."""
    if len({c[2] for c in cues}) < 2:
        return cues

    def earlier_clause(cue: tuple[int, int, str]) -> bool:
        return cue[1] <= mention.start and bool(_CLAUSE_BREAK.search(text[cue[1] : mention.start]))

    own = [c for c in cues if not earlier_clause(c)]
    return own if own and len({c[2] for c in own}) == 1 else cues


def _read_test(
    draft: Draft,
    sentence: tuple[int, int],
    mention: Mention,
    cues: list[tuple[int, int, str]],
    side: str | None = None,
) -> None:
    flags = set(mention.flags)
    base = assertion(flags)
    results = {c[2] for c in cues}
    if draft.text[sentence[0] : sentence[1]].rstrip().endswith("?"):
        cues = []  # "are the straight leg raise validity criteria met?": a question, no result
    if not cues:
        draft.add_item("finding", mention.key, mention.start, mention.end, flags, "not asserted")
        return
    if len(results) == 1:
        result = next(iter(results))
        if base == "absent":
            result = "absent"
        elif base == "not asserted":
            result = "not asserted"
        span = _span(mention, cues)
        _record(draft, mention, result, side, flags, span)
        return
    # mixed results ("negative on the right, positive on the left"): a side per result word; the
    # "negative" among them is a result, not a negation of the test
    spans = [(c[0], c[1]) for c in cues]
    sides = assign_sides(draft.text, sentence, spans)
    before = draft.text[max(sentence[0], mention.start - 25) : mention.start]
    if not re.search(r"\b(?:no|not|without|denies|denied)\b", before, re.IGNORECASE):
        base = assertion(flags - {"negated"})
    for cue, cue_side in zip(cues, sides, strict=True):
        result = cue[2] if base == "present" else base
        _record(draft, mention, result, cue_side, flags, (mention.start, mention.end))


def _record(
    draft: Draft,
    mention: Mention,
    result: str,
    side: str | None,
    flags: set[str],
    span: tuple[int, int],
) -> None:
    finding_side = combine([side]) if side else None  # type: ignore[list-item]
    value = mention.key + (f" {finding_side}" if finding_side else "")
    draft.add_item("finding", value, span[0], span[1], flags, result)  # type: ignore[arg-type]
    if result in ("present", "absent"):
        draft.findings.append((mention.key, result, finding_side))  # type: ignore[arg-type]
