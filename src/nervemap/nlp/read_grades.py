"""Strength (MRC 0-5) and reflexes (0-4): pair each grade in a sentence with the muscle or
reflex it belongs to, then give it a side.

Pairing, in order: "<grade> at/in <name>, <name>" (a list after a preposition); "<name> is
<grade>" (name just before); "<grade> <name>" (name just after); otherwise the last name
before the grade in the sentence ("dorsiflexion 5/5 on the left and 4/5 on the right").
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Literal

from nervemap.engine.case import ReflexTest, StrengthTest
from nervemap.knowledge.loader import thresholds_of
from nervemap.nlp.draft import Draft, assertion
from nervemap.nlp.matching import Mention
from nervemap.nlp.rules import compiler, load_rules
from nervemap.nlp.sides import SideOrBoth, assign_sides, side_cues

LEG_REFLEXES = ("patellar", "achilles")
_MRC = re.compile(
    r"(?<![\w/.])(?:(?P<pre>[+-])?(?P<g>[0-5])(?P<gs>\+|-)?\s*(?:/|\s+out\s+of\s+)\s*(?P<d>[0-5])(?P<ds>\+|-)?)"
    r"(?![\w/%])(?!\.\d)"
)
# "(MRC 3)", "MMT 4", "grade 3": a muscle grade written by its scale's name instead of "/5"
# a grade out of 4 ("2+/4", "1/4"): the reflex scale, not a muscle's right and left grades ("4/4-")
_REFLEX_SCALE = re.compile(r"[+-]?[0-3](?:\+{1,2}|-)?\s*/\s*4")
_MRC_NAMED = re.compile(
    r"(?:\b(?:MRC|MMT)\s*(?:grade\s*|of\s+|is\s+|was\s+)?|(?:(?<=\bwas\s)|(?<=\bis\s)|(?<=\bat\s))grade\s*)"
    r"(?P<g>[0-5])(?P<gs>\+|-)?(?![\w/%])(?!\.\d)(?!\s*/)",
    re.IGNORECASE,
)
# a bare MRC grade just after a muscle's name ("EHL 2,", "ankle DF 3 and"), read only in a sentence
# about strength (read_grades); "EHL 2/5" is _MRC's, "flexion 30 degrees" is no grade
_MRC_BARE = re.compile(
    r"\s*:?\s*(?P<g>[0-5])(?P<gs>\+|-)?(?![\w/%])(?!\.\d)(?!\s*(?:/|out\s+of))", re.IGNORECASE
)
_REFLEX_NUM = re.compile(
    # "-1 on the left": a minus sign before a grade, after a space, is the notation's, as "+1" is
    r"(?:(?<=[\s(])-(?=[0-4]\b)|(?<![\w/.\-]))(?P<g>[0-4])\s*(?P<gs>\+{1,2}|-)?(?:\s*/\s*(?P<d>[0-4])\s*(?P<ds>\+{1,2}|-)?)?"
    # a full stop ends the sentence ("Ankle jerks 0."), but not a decimal ("0.5") or a numbered list's
    # item ("1. Ankle jerks absent")
    r"(?![\w%°º])(?!\.\S)(?!\.\s+[A-Z])(?!\s*/\s*\d)(?!\s*-\s*[LS]?\d)"
    r"(?!\s+(?:cm|mm|kg|days?|weeks?|months?|years?|hours?|times|x|mg|ml)\b)"
    # the grade of another sign named right after it, not of a reflex: "knees 0 effusion", "ankles 2+
    # pitting oedema", "knee 0 tenderness" (a grade needs a reflex word or the reflex notation alone)
    r"(?!\s+(?:\w+\s+)?(?:effusions?|o?edema|swelling|swollen|pitting|tenderness|tender|pulses?|crepitus|"
    r"warmth|erythema|beats?)\b)"
    # a count, not a grade: "can only do 3 single leg heel raises", "2 flights of stairs"
    r"(?!\s+(?:\w+\s+){0,3}(?:raises?|reps?|repetitions?|steps?|attempts?|stairs?|flights?|metres?|meters?|"
    r"yards?|blocks?|degrees?|deg)\b)"
)
_PREP_BEFORE_NAME = re.compile(
    r"^\s*(?:at|in|of|over|for|on|to)\s+(?:the\s+|his\s+|her\s+|both\s+)?(?:left\s+|right\s+)?$", re.I
)
_NAME_THEN_GRADE = re.compile(
    # "the tendon reflexes in the legs are absent": the limb the name is said of
    r"^[\s:,(-]*(?:(?:reflex(?:es)?|jerks?|strength|power|muscles?|testing|is|are|was|were|in|legs|"
    r"graded|measured|noted|to|be|of|at|on|the|left|right|(?-i:L|R)|bilaterally|bilateral|both|sides?|"
    r"appear|remain|reveal|reveals|shows?|and|slightly|mildly|moderately|only|\(|\)|-|"
    # "hip flexion and knee extension are each graded 4+/5", "all rated 4/5" (H11 s7)
    r"each|all|rated|scored|tested|assessed|found)[\s:,]*)*$",
    re.I,
)
_WHICH_THEN_GRADE = re.compile(r"^\s+which\s+(?:are|is|were|was)\s+(?:graded\s+|each\s+)?$", re.I)
# "the knee jerks, which were reduced on the left": a grade word in a relative clause grades the name
# the clause is about
_COMMA_WHICH_THEN_WORD = re.compile(r"^\s*,\s*which\s+(?:are|is|were|was)\s+(?:\w+ly\s+)?$", re.I)
_SEPARATOR = re.compile(r"[,;]|\band\b", re.I)
_GRADE_THEN_NAME = re.compile(
    # "decreased right versus left ankle reflexes": the first side is the one graded (nlp/sides)
    r"^[\s,]*(?:(?:weakness|strength|power|in|of|for|on|the|with|at|left|right|(?-i:L|R)|bilateral(?:ly)?|both|"
    r"his|her|of\s+the|versus|vs\.?)\s+)*$",
    re.I,
)
# a name listed after another, with its own side word ("right EHL and left ankle dorsiflexion 4/5")
_LIST_SEP = re.compile(
    r"^\s*(?:,|and|or|&|/|,\s*and)\s*(?:of\s+)?(?:the\s+)?(?:(?:left|right|(?-i:L|R))\s+)?$", re.I
)
# "the left patellar reflex is absent while the right is present", "(left normal)": a grade for
# the same muscle or reflex on the other side
_OTHER_SIDE = re.compile(
    r"(?:\bwhile|\bwhereas|\bbut|\band|[,;(])\s*(?:the\s+|on\s+the\s+)?(?:left|right)(?:\s+(?:one|side))?"
    r"\s*(?:is|was|:)?\s*$",
    re.I,
)
_PLURAL = re.compile(r"(?:s|jerks|ae)$", re.I)
# A muscle group is named in the plural for one leg ("the hip adductors are weak", "quadriceps",
# "hamstrings", "ankle dorsiflexors"): the plural is the group's, not both legs'. A plural body part
# or reflex ("both knees", "the knees", "ankle jerks") still names both sides.
_GROUP_PLURAL = re.compile(
    r"(?:ors|ceps|quads|hamstrings|glutes|glutei|peroneals|peronei|gastrocs|intrinsics)$", re.I
)


@dataclass(frozen=True)
class Grade:
    start: int
    end: int
    grades: tuple[int, ...]  # one grade, or (right, left) from "4/4-"
    word: bool  # written as a word ("absent", "weakness")


@functools.cache
def _normal_strength() -> re.Pattern[str] | None:
    regexes = load_rules().body.strength_global.normal
    return compiler().words(regexes) if regexes else None


# "proximal lower extremity strength 3/5": part of the limb, not every muscle of it
_PART_OF_LIMB = re.compile(
    r"(?<!and\s)\b(?:proximal|distal)\b(?!\s+and\s+(?:proximal|distal))", re.IGNORECASE
)
_WALKING = re.compile(r"walk|heels|toes|tiptoe", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[,;]|\bwhile\b|\bwhereas\b", re.IGNORECASE)
_EXCEPT = re.compile(r"\b(?:except|apart\s+from|other\s+than|but|save)\b", re.IGNORECASE)


def _all_normal(draft: Draft, sentence: tuple[int, int]) -> None:
    """'Power is normal' with no muscle named in its clause: every leg muscle 5/5 (a muscle
    named after 'except' keeps its own grade, which beats this one)."""
    pattern = _normal_strength()
    if pattern is None:
        return
    match = pattern.search(draft.text, *sentence)
    if match is None or upper_limb_only(draft.text[sentence[0] : sentence[1]]):
        return
    end = _CLAUSE_END.search(draft.text, match.end(), sentence[1])
    clause_end = end.start() if end else sentence[1]
    starts = [m.end() for m in _CLAUSE_END.finditer(draft.text, sentence[0], match.start())]
    clause_start = starts[-1] if starts else sentence[0]
    named = [m for m in draft.in_sentence(sentence, ("movement",)) if clause_start <= m.start < clause_end]
    exception = _EXCEPT.search(draft.text, match.end(), clause_end)
    for movement in named:
        if not (exception and movement.start > exception.end()):
            return  # "power of the quadriceps is normal": that muscle's own grade
    if exception and not named:
        return  # "normal except in the left foot": which muscles, unknown
    # the side words of the exception are not the statement's ("full except the left quadriceps")
    scope = (clause_start, exception.start() if exception else clause_end)
    side = assign_sides(draft.text, scope, [(match.start(), match.end())])[0]
    _global_strength(draft, Grade(match.start(), match.end(), (5,), True), side)


@functools.cache
def _word_patterns() -> tuple[
    tuple[tuple[int, re.Pattern[str]], ...],
    tuple[tuple[int, re.Pattern[str]], ...],
    re.Pattern[str],
    re.Pattern[str],
]:
    body = load_rules().body
    comp = compiler()
    reflex = tuple((g, comp.words(w)) for g, w in body.reflex_words.items())
    weak = tuple((g, comp.words(w)) for g, w in body.weakness_words.items())
    return reflex, weak, comp.words(body.strength_global.regex), comp.words(body.strength_global.subject)


def _mrc(value: str, sign: str | None, pre: str | None = None) -> int:
    """'4-' -> 4, '4+' -> 4, '5-' or '-5' -> 4 (a detectable weakness)."""
    grade = int(value)
    if grade == 5 and (sign == "-" or pre == "-"):
        return 4
    return grade


def _word_grades(
    draft: Draft, sentence: tuple[int, int], table: tuple[tuple[int, re.Pattern[str]], ...]
) -> list[Grade]:
    found: list[Grade] = []
    for grade, pattern in table:
        for match in pattern.finditer(draft.text, *sentence):
            found.append(Grade(match.start(), match.end(), (grade,), True))
    # longest wins where words overlap ("severe weakness" over "weakness")
    found.sort(key=lambda g: (-(g.end - g.start), g.start))
    kept: list[Grade] = []
    for g in found:
        if all(g.end <= k.start or g.start >= k.end for k in kept):
            kept.append(g)
    return kept


def _pair(draft: Draft, grade: Grade, names: list[Mention]) -> tuple[list[Mention], bool]:
    """The names a grade belongs to, and whether they stand next to it (else inherited)."""
    inside = [n for n in names if grade.start <= n.start and n.end <= grade.end]
    if inside and all(n.key == "all" for n in inside):
        # "hyporeflexia in both patellae": the word grades the reflex named with it
        named = _adjacent(draft, grade, [n for n in names if n not in inside and n.key != "all"])
        if named:
            return named, True
    if inside:
        return inside, True  # "cannot stand on tiptoe"
    listed = _adjacent(draft, grade, names)
    if listed and all(n.key == "all" for n in listed) and any(n.start >= grade.end for n in names):
        # "Reflexes: absent left knee and right ankle jerks": the grade word stands before the reflexes it
        # grades; "reflexes" before it is the heading
        after = [n for n in names if n.start >= grade.end and n.key not in ("all", "other")]
        if after and _GRADE_THEN_NAME.match(draft.text[grade.end : after[0].start]):
            return _listed_from(draft.text, after), True
    if listed:
        return listed, True
    before = [n for n in names if n.end <= grade.start]
    if before and _other_side(draft, before[-1], grade):
        return [before[-1]], False  # "... while the right is present": same name, its own side
    if grade.word:
        return [], False  # a grade word far from any name ("weakness") grades nothing
    after = [n for n in names if n.start >= grade.end]
    if before:
        return [before[-1]], False
    return after[:1], False


def _other_side(draft: Draft, name: Mention, grade: Grade) -> bool:
    """'The left patellar reflex is absent while the right is present': nothing else named
    between the name and the grade, which follows a contrast and the other side."""
    if grade.start - name.end > 60 or not _OTHER_SIDE.search(draft.text[name.end : grade.start]):
        return False
    sentence = draft.sentence_of(name.start)
    kinds = ("movement", "reflex", "region", "test", "finding")
    return not any(name.end <= m.start and m.end <= grade.start for m in draft.in_sentence(sentence, kinds))


def _adjacent(draft: Draft, grade: Grade, names: list[Mention]) -> list[Mention]:
    text = draft.text
    before = [n for n in names if n.end <= grade.start]
    after = [n for n in names if n.start >= grade.end]
    if after:
        first = after[0]
        if _PREP_BEFORE_NAME.match(text[grade.end : first.start]):
            return _listed_from(text, after)
    # "knee jerks 2+ and symmetric, left ankle jerk trace": a comma after a grade closes the grade
    # of the names before it; the name after the comma has its own grade
    closed = bool(before and after and "," in text[grade.end : after[0].start])
    # "absent left ankle reflex, reduced left knee jerk": after a separator, a grade that stands
    # right before a name grades that name, not the one before the separator
    if (
        before
        and after
        and not closed
        and _SEPARATOR.search(text[before[-1].end : grade.start])
        and _GRADE_THEN_NAME.match(text[grade.end : after[0].start])
    ):
        return [after[0]]
    gap = text[before[-1].end : grade.start] if before else ""
    # "ankle dorsiflexion and EHL which are 4/5": a number right after "which are" grades the names
    # listed before it (not a word grade after a comma: "the knee jerks, which were reduced on the
    # left" is an exception's own reading, _excepted_reflexes)
    if before and (
        _NAME_THEN_GRADE.match(gap)
        or (not grade.word and _WHICH_THEN_GRADE.match(gap))
        or (grade.word and _COMMA_WHICH_THEN_WORD.match(gap) and not _excepted(draft, before[-1]))
    ):
        listed = [before[-1]]
        for previous in reversed(before[:-1]):
            if _LIST_SEP.match(text[previous.end : listed[-1].start]):
                listed.append(previous)
            else:
                break
        return listed
    if after and _GRADE_THEN_NAME.match(text[grade.end : after[0].start]) and not closed:
        return _listed_from(text, after)
    return []


def _excepted(draft: Draft, name: Mention) -> bool:
    """The name follows an exception word in its sentence ("reflexes are normal apart from the knee
    jerks, which were reduced on the left"): its grade is the exception's own reading
    (:func:`_excepted_reflexes`)."""
    sentence = draft.sentence_of(name.start)
    return _EXCEPT_REFLEX.search(draft.text, sentence[0], name.start) is not None


def _listed_from(text: str, names: list[Mention]) -> list[Mention]:
    """The first of ``names`` and those listed right after it ("knee and ankle jerks")."""
    listed = [names[0]]
    for nxt in names[1:]:
        if _LIST_SEP.match(text[listed[-1].end : nxt.start]):
            listed.append(nxt)
        else:
            break
    return listed


_FOOT_DROP = re.compile(r"foot[\s-]*drop|drop[\s-]*foot", re.IGNORECASE)


def _foot_drop(draft: Draft) -> None:
    """'Foot drop' is ankle dorsiflexion at MRC 3 or less: recorded on its side at the grade the
    knowledge base gives (localisation.yaml reported_weakness text_grade, with its source)."""
    weakness = next(
        (w for w in draft.knowledge.kb.localisation.reported_weakness if w.finding == "foot_drop_reported"),
        None,
    )
    if weakness is None:
        return
    movement, grade = weakness.movement, int(weakness.text_grade.value)
    for mention in draft.note.mentions:
        if mention.key != "foot_drop_reported" or not _FOOT_DROP.search(mention.text):
            continue
        sentence = draft.sentence_of(mention.start)
        side = assign_sides(draft.text, sentence, [(mention.start, mention.end)], default=draft.side)[0]
        status = assertion(set(mention.flags))
        if side is None:
            continue
        for s in ["left", "right"] if side == "bilateral" else [side]:
            draft.add_item(
                "strength",
                f"{movement} {s} {grade}/5",
                mention.start,
                mention.end,
                mention.flags,
                status,
            )
            if status == "present":
                test = StrengthTest(movement=movement, side=s, grade=grade)
                draft.strength.append((test, True))


def read_grades(draft: Draft) -> None:
    _foot_drop(draft)
    _read_sentences(draft)
    _both_legs_weak(draft)


# the finding of weakness of both legs (findings/symptoms.yaml), which the grades can show
BOTH_LEGS_WEAK = "bilateral_leg_weakness"
_WEAK_ITEM = re.compile(r"\b[0-4]/5$")


def _both_legs_weak(draft: Draft) -> None:
    """Weakness of both legs from the grades, so the rules on weakness of both legs (cauda equina,
    cord) see what the examination found: each leg weak as a whole ("power 4/5 in all groups
    bilaterally": every leg muscle graded 4/5 or less) or with a muscle that cannot move against
    resistance (MRC 3 or less, thresholds.yaml mrc_moderate_max: "bilateral EHL 3/5"). A muscle graded 4
    ("some resistance", mild) in each leg is not read as weakness of both legs: mild bilateral
    proximal weakness of age or pain-limited effort is common and is not the red flag (a reading choice,
    no published figure). Each grade is settled as the case settles it (one stated for the muscle
    beats one stated for every muscle; else the lowest)."""
    settled: dict[tuple[str, str], tuple[bool, int]] = {}
    for test, specific in draft.strength:
        if test.side is None:
            continue
        key = (test.movement, test.side)
        previous = settled.get(key)
        if (
            previous is None
            or (specific and not previous[0])
            or (specific == previous[0] and test.grade < previous[1])
        ):
            settled[key] = (specific, test.grade)
    moderate = thresholds_of(draft.knowledge.kb).severity.mrc_moderate_max.value
    movements = set(draft.knowledge.movements)
    weak_sides = set()
    for side in ("left", "right"):
        grades = {movement: grade for (movement, s), (_, grade) in settled.items() if s == side}
        whole_leg = bool(movements) and movements <= grades.keys() and all(g <= 4 for g in grades.values())
        if whole_leg or any(g <= moderate for g in grades.values()):
            weak_sides.add(side)
    if weak_sides != {"left", "right"}:
        return
    where = next(
        (
            i
            for i in draft.items
            if i.kind == "strength" and i.status == "present" and _WEAK_ITEM.search(i.value)
        ),
        None,
    )  # the first weak grade read, where the finding is shown
    if where is not None:
        draft.add_item("finding", BOTH_LEGS_WEAK, where.start, where.end)
    draft.findings.append((BOTH_LEGS_WEAK, "present", None))


def _read_sentences(draft: Draft) -> None:
    reflex_words, weak_words, global_strength, strength_subject = _word_patterns()
    for sentence in draft.note.sentences:
        _all_normal(draft, sentence)
        reflexes = draft.in_sentence(sentence, ("reflex",))
        # a muscle named inside a reflex's name is the reflex ("the medial hamstring reflex is
        # absent" is not knee flexion 0/5)
        movements = [
            m
            for m in draft.in_sentence(sentence, ("movement",))
            if not any(r.start <= m.start and m.end <= r.end for r in reflexes)
        ]
        text = draft.text[sentence[0] : sentence[1]]
        mrc = [
            Grade(m.start(), m.end(), _mrc_pair(m), False)
            for m in _MRC.finditer(draft.text, *sentence)
            # "Achilles 1+/4", "reflexes 2/3": reflex grades (0-4 scale) when no muscle is named
            if not (m.group("d") != "5" and reflexes and not movements)
            # "medial hamstring reflex was 2+/4 on both hamstrings": out of 4 is the reflex scale
            if not (reflexes and _REFLEX_SCALE.fullmatch(m.group(0)))
        ]
        if movements:
            mrc += [
                Grade(m.start(), m.end(), (_mrc(m.group("g"), m.group("gs")),), False)
                for m in _MRC_NAMED.finditer(draft.text, *sentence)
                if not any(g.start <= m.start() < g.end for g in mrc)
            ]
            if strength_subject.search(text):
                # "Power: EHL 2, ankle DF 3, PF 5": a bare grade right after the muscle it grades,
                # in a sentence about strength
                for name in movements:
                    bare = _MRC_BARE.match(draft.text, name.end, sentence[1])
                    if bare and not any(g.start <= bare.start("g") < g.end for g in mrc):
                        value = (_mrc(bare.group("g"), bare.group("gs")),)
                        mrc.append(Grade(bare.start("g"), bare.end(), value, False))
            mrc.sort(key=lambda g: g.start)
        if movements or (mrc and strength_subject.search(text)):
            weak = [
                g
                for g in _word_grades(draft, sentence, weak_words)
                if not _grades_a_reflex(draft, g, reflexes, movements)
            ]
            _strength(draft, sentence, movements, mrc + weak, global_strength)
        if any(r.key not in ("other",) for r in reflexes) and (
            re.search(r"reflex|jerk|DTR|MSR|areflexi|hyporeflexi|hyperreflexi", text, re.IGNORECASE)
            or any(_graded_in_reflex_notation(draft, r, sentence) for r in reflexes)
        ):
            numeric = [
                Grade(m.start(), m.end(), _reflex_pair(m), False)
                for m in _REFLEX_NUM.finditer(draft.text, *sentence)
                if not _numbered_item(draft.text, m)
                if not any(g.start <= m.start() < g.end for g in mrc)
            ]
            words = _word_grades(draft, sentence, reflex_words)
            words = [w for w in words if not any(n.start <= w.start < n.end for n in numeric)]
            _reflexes(draft, sentence, reflexes, sorted(numeric + words, key=lambda g: g.start))


# "Achilles 0 on the left, 2+ on the right", "knees 2+": a leg reflex's name followed at once by a
# grade in the reflex notation (a plus sign, or 0) is the reflex, though the note never says "reflex"
_NAME_THEN_REFLEX_GRADE = re.compile(r"\s*:?\s*(?=[0-4])")


def _graded_in_reflex_notation(draft: Draft, reflex: Mention, sentence: tuple[int, int]) -> bool:
    if reflex.key not in LEG_REFLEXES:
        return False
    lead = _NAME_THEN_REFLEX_GRADE.match(draft.text, reflex.end, sentence[1])
    grade = _REFLEX_NUM.match(draft.text, lead.end(), sentence[1]) if lead else None
    return (
        grade is not None
        and (bool(grade.group("gs")) or grade.group("g") == "0")
        and not _numbered_item(draft.text, grade)
    )


# how far a numbered list's neighbouring item number is looked for
_ITEM_REACH = 300
# a grade in the reflex notation right before a bare number ("2+ 3."), and a new item after that number
_GRADE_BEFORE = re.compile(r"(?<![\w./])[0-4](?:\+{1,2}|-)?(?:\s*/\s*[0-4](?:\+{1,2}|-)?)?\s+$")
_NEXT_ITEM = re.compile(r"\.\s+[A-Z]")


def _numbered_item(text: str, grade: re.Match[str]) -> bool:
    """A number and a full stop that number an item of a list ("1. Left ankle jerk absent 2. Knee jerks
    present 3. SLR ..."), not a grade that ends its sentence ("Ankle jerks 0."): the item before it or
    the item after it is numbered too (the sentence splitter cuts the list at each number, so this
    looks at the whole note, not at the sentence)."""
    if grade.group("gs") or grade.group("d") or not text.startswith(".", grade.end()):
        return False
    if _GRADE_BEFORE.search(text, max(0, grade.start() - 8), grade.start()) and _NEXT_ITEM.match(
        text, grade.end()
    ):
        return True  # "Knee jerks 2+ 3. Ankle jerks absent": the name's grade was given just before
    n = int(grade.group("g"))
    after = re.compile(rf"(?<![\w./]){n + 1}\.\s")
    before = re.compile(rf"(?<![\w./]){n - 1}\.\s") if n > 0 else None
    return bool(
        after.search(text, grade.end(), grade.end() + _ITEM_REACH)
        or (before and before.search(text, max(0, grade.start() - _ITEM_REACH), grade.start()))
    )


_REFLEX_THEN_WORD = re.compile(r"\s*(?:is|are|was|were|remains?|appears?)?\s*(?:\w+ly\s+)?", re.IGNORECASE)
_WORD_THEN_REFLEX = re.compile(r"\s*(?:(?:the\s+)?(?:left|right|bilateral)\s+)?", re.IGNORECASE)


def _grades_a_reflex(draft: Draft, grade: Grade, reflexes: list[Mention], movements: list[Mention]) -> bool:
    """A word grade standing right after or before a reflex's name grades the reflex ("the knee jerk is
    absent, hip adduction and knee extension are weak": the "absent" is not a 0/5 for the muscles). A
    reflex word inside a movement's name ("ankle" of "ankle inversion") is the movement."""
    text = draft.text
    for reflex in reflexes:
        if any(m.start < reflex.end and reflex.start < m.end for m in movements):
            continue
        if reflex.end <= grade.start and _REFLEX_THEN_WORD.fullmatch(text, reflex.end, grade.start):
            return True
        if grade.end <= reflex.start and _WORD_THEN_REFLEX.fullmatch(text, grade.end, reflex.start):
            return True
    return False


def _mrc_pair(match: re.Match[str]) -> tuple[int, ...]:
    grade = _mrc(match.group("g"), match.group("gs"), match.group("pre"))
    if match.group("d") == "5" and not match.group("ds"):
        return (grade,)
    return (grade, _mrc(match.group("d"), match.group("ds")))


def _reflex_pair(match: re.Match[str]) -> tuple[int, ...]:
    grade = int(match.group("g"))
    if match.group("d") is None or (match.group("d") == "4" and grade < 4 and not match.group("ds")):
        return (grade,)  # "2/4" is a grade on the 0-4 scale
    return (grade, int(match.group("d")))


def _sides_for(
    draft: Draft,
    sentence: tuple[int, int],
    grades: list[Grade],
    paired: list[tuple[list[Mention], bool]],
) -> list[SideOrBoth | None]:
    spans = []
    for grade, (names, adjacent) in zip(grades, paired, strict=True):
        near = names if adjacent else []
        start = min([grade.start, *(n.start for n in near)])
        end = max([grade.end, *(n.end for n in near)])
        spans.append((start, end))
    # other muscles and reflexes named in the sentence compete for the side words ("knee
    # extension 2/5, and the left knee jerk is normal": the left is the knee jerk's)
    others = [
        (m.start, m.end)
        for m in draft.in_sentence(sentence, ("movement", "reflex"))
        if not any(m.start < end and start < m.end for start, end in spans)
    ]
    sides = assign_sides(draft.text, sentence, spans + others, default=draft.side)[: len(spans)]
    # "right hip flexion is 4/5 and knee extension 2/5": a listed grade without a side word of
    # its own takes the side of the grade it is listed with
    for i in range(1, len(spans)):
        gap = draft.text[spans[i - 1][1] : spans[i][0]]
        listed = sides[i] is None and sides[i - 1] in ("left", "right") and _LIST_SEP.match(gap)
        if listed and not side_cues(draft.text, *spans[i]):
            sides[i] = sides[i - 1]
    # "the knee jerks, which were reduced on the left, and ankle jerks 2+": a side word inside a relative
    # clause about another name is that name's, not the sentence's only side
    stated = assign_sides(draft.text, sentence, spans + others, explicit=True)[: len(spans)]
    for i, span in enumerate(spans):
        if stated[i] is None and sides[i] is not None and _sides_only_in_asides(draft.text, sentence, span):
            sides[i] = None
    # "bigger than the left, the right ankle jerk is absent": a side word of another clause
    # does not make a grade bilateral when the grade's own clause names one side
    for i, (side, span) in enumerate(zip(sides, spans, strict=True)):
        if side == "bilateral":
            own = _clause_sides(draft.text, sentence, span)
            if len(own) == 1 and own != {"bilateral"}:
                sides[i] = next(iter(own))
    return sides


_RELATIVE_CLAUSE = re.compile(r",\s*which\b[^,;]*", re.IGNORECASE)


def _sides_only_in_asides(text: str, sentence: tuple[int, int], span: tuple[int, int]) -> bool:
    """Every side word of the sentence stands in a relative clause (", which were reduced on the
    left") that is not the span's own."""
    cues = side_cues(text, *sentence)
    asides = [
        (m.start(), m.end())
        for m in _RELATIVE_CLAUSE.finditer(text, *sentence)
        if not (m.start() <= span[0] < m.end() or m.start() < span[1] <= m.end())
    ]
    return bool(cues) and all(any(a <= c.start and c.end <= b for a, b in asides) for c in cues)


def _clause_sides(text: str, sentence: tuple[int, int], span: tuple[int, int]) -> set[SideOrBoth]:
    starts = [m.end() for m in _CLAUSE_END.finditer(text, sentence[0], span[0])]
    end = _CLAUSE_END.search(text, span[1], sentence[1])
    clause = (starts[-1] if starts else sentence[0], end.start() if end else sentence[1])
    return {c.side for c in side_cues(text, *clause)}


def _strength(
    draft: Draft,
    sentence: tuple[int, int],
    movements: list[Mention],
    grades: list[Grade],
    global_strength: re.Pattern[str],
) -> None:
    grades.sort(key=lambda g: g.start)
    paired = [_pair(draft, g, _graded_by(draft, g, movements)) for g in grades]
    sides = _sides_for(draft, sentence, grades, paired)
    text = draft.text
    for grade, (names, adjacent), side in zip(grades, paired, sides, strict=True):
        if (
            names
            and not adjacent
            and not grade.word
            and _grades_the_whole_limb(draft, sentence, grade, global_strength)
        ):
            continue
        if not names:
            if grade.word:
                continue
            tail = text[grade.end : sentence[1]]
            head = text[sentence[0] : grade.start]
            whole = text[sentence[0] : sentence[1]]
            near = global_strength.search(tail[:60]) or global_strength.search(head[-60:])
            if near and not upper_limb_only(whole) and not _PART_OF_LIMB.search(whole):
                # a statement for the whole limb has a side only when its own words give one, in its own
                # clause ("left leg strength 3/5, right normal": the left)
                starts = [m.end() for m in _CLAUSE_END.finditer(text, sentence[0], grade.start)]
                end = _CLAUSE_END.search(text, grade.end, sentence[1])
                clause = (starts[-1] if starts else sentence[0], end.start() if end else sentence[1])
                # with the other such grades of the clause, which take their own side words ("4/5 on the
                # left and 5/5 on the right")
                spans = [
                    (g.start, g.end)
                    for g, (n, _) in zip(grades, paired, strict=True)
                    if not n and not g.word and clause[0] <= g.start < clause[1]
                ]
                own = assign_sides(draft.text, clause, spans, explicit=True)[
                    spans.index((grade.start, grade.end))
                ]
                _global_strength(draft, grade, own)
            continue
        for name, name_side in zip(names, _listed_sides(text, names, side), strict=True):
            flags = set(name.flags)
            value = grade.grades
            words = draft.text[grade.start : grade.end]
            if grade.word and re.fullmatch(r"no", words, re.I):
                flags -= {"negated"}  # "no ankle dorsiflexion" (H s9): the "no" is the grade, none at all
            plain = not re.search(r"cannot|unable|drop", words, re.I)
            if grade.word and plain and "negated" in flags:  # "no EHL weakness"
                value, flags = (5,), flags - {"negated"}
            status = assertion(flags - {"negated"})
            _add_strength(draft, name, grade, value, name_side, flags, status)


# how far before a listed name its own side word may stand ("right EHL", "the left TA")
_OWN_SIDE_REACH = 10


def _listed_sides(text: str, names: list[Mention], side: SideOrBoth | None) -> list[SideOrBoth | None]:
    """The side of each name of a list that shares one grade: "right EHL and left ankle dorsiflexion
    4/5" grades each on the side written before it, not both on both sides. Every name with a side word
    of its own takes it; else, when the list names two sides, a name without one takes the one before
    it in the list; when it names fewer, all take the grade's side."""
    order = sorted(range(len(names)), key=lambda i: names[i].start)
    own: list[SideOrBoth | None] = []
    previous_end = 0
    for i in order:
        # read up to the name's end: "R" is a side only before the part it qualifies ("R TA")
        lo = max(previous_end, names[i].start - _OWN_SIDE_REACH)
        cues = [c for c in side_cues(text, lo, names[i].end) if c.end <= names[i].start]
        own.append(cues[-1].side if cues else None)
        previous_end = names[i].end
    if len(names) > 1 and all(o is not None for o in own):
        # "left hip flexion and left knee extension are both 2/5": each its own side ("both" is the names)
        out_all: list[SideOrBoth | None] = [None] * len(names)
        for i, o in zip(order, own, strict=True):
            out_all[i] = o
        return out_all
    if len({o for o in own if o is not None}) < 2:
        return [side] * len(names)
    out: list[SideOrBoth | None] = [None] * len(names)
    carried = next(o for o in own if o is not None)
    for i, o in zip(order, own, strict=True):
        carried = o or carried
        out[i] = carried
    return out


_SPACE = re.compile(r"\s*")


def _grades_the_whole_limb(
    draft: Draft, sentence: tuple[int, int], grade: Grade, global_strength: re.Pattern[str]
) -> bool:
    """A grade followed at once by the words for every leg muscle ("5/5 throughout except left EHL
    4/5", "power 5/5 in all groups"): read for the whole limb, not inherited by a muscle named after
    it (the one after "except" keeps its own grade, which beats this one). Its side is only one its
    own words give, before any exception ("full except the left EHL" is not a left-sided statement)."""
    text = draft.text
    start = _SPACE.match(text, grade.end, sentence[1])
    at = start.end() if start else grade.end
    starts = [m.end() for m in _CLAUSE_END.finditer(text, sentence[0], grade.start)]
    if not global_strength.match(text, at, sentence[1]) and not _graded_with_exceptions(
        draft, (starts[-1] if starts else sentence[0], grade.start), at
    ):
        return False
    whole = text[sentence[0] : sentence[1]]
    if upper_limb_only(whole) or _PART_OF_LIMB.search(whole):
        return False
    # its own clause ("Right EHL 4/5, otherwise 5/5 throughout": not the right side's), up to an exception
    end = _CLAUSE_END.search(text, at, sentence[1])
    clause_end = end.start() if end else sentence[1]
    exception = _EXCEPT.search(text, at, clause_end)
    scope = (starts[-1] if starts else sentence[0], exception.start() if exception else clause_end)
    own = assign_sides(text, scope, [(grade.start, grade.end)], explicit=True)[0]
    _global_strength(draft, grade, own)
    return True


def _graded_with_exceptions(draft: Draft, head: tuple[int, int], at: int) -> bool:
    """'Power 5/5 except right EHL and left ankle dorsiflexion 4/5': a grade of strength as such (the
    subject before it in its clause, no muscle named there) followed at once by an exception grades
    every leg muscle; the muscles named after the exception keep their own grades."""
    if not _EXCEPT.match(draft.text, at):
        return False
    subject = _word_patterns()[3]
    if not subject.search(draft.text, *head):
        return False
    sentence = draft.sentence_of(head[0])
    return not any(head[0] <= m.start < head[1] for m in draft.in_sentence(sentence, ("movement",)))


def _graded_by(draft: Draft, grade: Grade, movements: list[Mention]) -> list[Mention]:
    """The movements a grade may belong to. "Foot drop" names its own movement (localisation.yaml
    reported_weakness: ankle dorsiflexion), read by :func:`_foot_drop`; it grades no other muscle
    named with it ("right foot drop with ankle inversion spared": inversion is not weak)."""
    if not (grade.word and _FOOT_DROP.fullmatch(draft.text[grade.start : grade.end])):
        return movements
    own = {
        w.movement
        for w in draft.knowledge.kb.localisation.reported_weakness
        if w.finding == "foot_drop_reported"
    }
    return [m for m in movements if m.key in own]


def _add_strength(
    draft: Draft,
    name: Mention,
    grade: Grade,
    value: tuple[int, ...],
    side: SideOrBoth | None,
    flags: set[str],
    status: Literal["present", "absent", "not asserted"],
) -> None:
    start, end = grade.start, grade.end
    if abs(name.start - grade.start) < 40:
        start, end = min(name.start, grade.start), max(name.end, grade.end)
    pairs: list[tuple[Literal["left", "right"] | None, int]]
    if len(value) == 2 and side is None:
        pairs = [("right", value[0]), ("left", value[1])]
    elif side is None:
        if value[0] == 5 or (
            _PLURAL.search(name.text)
            and not _GROUP_PLURAL.search(name.text)
            and not _WALKING.search(name.text)
        ):
            pairs = [("left", value[0]), ("right", value[0])]
        else:
            pairs = [(None, value[0])]  # side not stated: the engine reads it for either side
    else:
        low = min(value)
        pairs = [("left", low), ("right", low)] if side == "bilateral" else [(side, low)]
    for s, g in pairs:
        draft.add_item("strength", f"{name.key} {s or 'side not stated'} {g}/5", start, end, flags, status)
        if status == "present":
            draft.strength.append((StrengthTest(movement=name.key, side=s, grade=g), True))


def _global_strength(draft: Draft, grade: Grade, side: SideOrBoth | None) -> None:
    movements = draft.knowledge.movements
    g = min(grade.grades)
    sides: list[Literal["left", "right"]] = [side] if side == "left" or side == "right" else ["left", "right"]
    draft.add_item("strength", f"all leg movements {' and '.join(sides)} {g}/5", grade.start, grade.end)
    for movement in movements:
        for s in sides:
            draft.strength.append((StrengthTest(movement=movement, side=s, grade=g), False))


# "reflexes are normal except the left ankle jerk", "apart from a reduced right knee jerk"
_EXCEPT_REFLEX = re.compile(
    r"\b(?:except(?:\s+for)?|apart\s+from|other\s+than|save\s+for|but\s+for|with\s+the\s+exception\s+of)\b",
    re.IGNORECASE,
)
# a reflex named as the exception with no grade of its own is abnormal, direction unstated: read as
# reduced (1), the commoner abnormality of a leg reflex in a root or nerve lesion (issue 14, L s10)
_EXCEPTED_GRADE = 1
# an excepted reflex its own clause says was not examined is unknown, not abnormal: "except the knee jerks,
# which were not tested" ("could not be elicited" is a grade, absent, and stays one)
_NOT_EXAMINED = re.compile(
    r"\b(?:not\s+(?:been\s+)?(?:tested|examined|assessed|checked|done|performed|testable)|untested|deferred"
    r"|(?:could|can)\s*not\s+be\s+(?:tested|assessed|examined|checked)|unable\s+to\s+(?:test|assess|examine|check))\b",
    re.IGNORECASE,
)
_SIDE_BEFORE = re.compile(r"\b(left|right)\s+(?:[a-z]+\s+)?$", re.IGNORECASE)
# the side a later grade word carries for an excepted pair: "the knee jerks, which were reduced on the left"
_GRADE_SIDE = re.compile(r"\s*(?:on\s+the\s+|in\s+the\s+|at\s+the\s+)?(left|right)\b", re.IGNORECASE)


def _exception(
    draft: Draft, sentence: tuple[int, int], grade: Grade, names: list[Mention]
) -> tuple[int, list[Mention]] | None:
    """(where the exception starts, the reflexes it names) for a grade of all reflexes."""
    found = _EXCEPT_REFLEX.search(draft.text, grade.end, sentence[1])
    if found is None:
        return None
    excepted = [n for n in names if n.start >= found.end() and n.key not in ("all", "other")]
    return (found.start(), excepted) if excepted else None


def _reflexes(draft: Draft, sentence: tuple[int, int], names: list[Mention], grades: list[Grade]) -> None:
    paired = [_pair(draft, g, names) for g in grades]
    # a grade word no name claimed, in a sentence about one reflex, is that reflex's grade
    sides = _sides_for(draft, sentence, grades, paired)
    # reflexes excepted from a grade of all of them: (reflex, side) pairs the grade does not reach
    spared: set[tuple[str, str]] = set()
    # "tendon reflexes are normal": all reflexes, both sides, unless their own words give a side
    for i, (grade, (listed, _)) in enumerate(zip(grades, paired, strict=True)):
        if listed and all(n.key == "all" for n in listed):
            span = (min(grade.start, *(n.start for n in listed)), max(grade.end, *(n.end for n in listed)))
            exception = _exception(draft, sentence, grade, names)
            # the side words of the exception are not the statement's ("normal except the left ankle jerk")
            scope = (sentence[0], exception[0]) if exception else sentence
            sides[i] = assign_sides(draft.text, scope, [span], explicit=True)[0]
            if exception:
                spared |= _excepted_reflexes(draft, sentence, exception[1], grades, paired)
    for grade, (listed, _), grade_side in zip(grades, paired, sides, strict=True):
        for name, side in zip(listed, _listed_sides(draft.text, listed, grade_side), strict=True):
            if name.key == "other":
                continue
            specific = name.key != "all"
            reflex_ids = (name.key,) if specific else LEG_REFLEXES
            flags = set(name.flags) - {"negated"}  # "absent" is a grade here, not a negation
            status = assertion(flags)
            start, end = grade.start, grade.end
            if abs(name.start - grade.start) < 40:
                start, end = min(name.start, grade.start), max(name.end, grade.end)
            if not specific and _upper_only(draft, grade, sentence):
                continue
            for reflex in reflex_ids:
                pairs = _reflex_sides(grade, side, name, specific)
                if not specific and pairs is not None:
                    pairs = [(s, g) for s, g in pairs if (reflex, s) not in spared]
                if pairs is None:
                    # side not stated: kept, and the engine reads it for either side
                    draft.add_item(
                        "reflex", f"{reflex} side not stated {grade.grades[0]}", start, end, flags, status
                    )
                    if status == "present":
                        draft.reflexes.append(
                            (ReflexTest(reflex=reflex, side=None, grade=grade.grades[0]), specific)
                        )
                    continue
                for s, g in pairs:
                    draft.add_item("reflex", f"{reflex} {s} {g}", start, end, flags, status)
                    if status == "present":
                        draft.reflexes.append((ReflexTest(reflex=reflex, side=s, grade=g), specific))


def _excepted_reflexes(
    draft: Draft,
    sentence: tuple[int, int],
    excepted: list[Mention],
    grades: list[Grade],
    paired: list[tuple[list[Mention], bool]],
) -> set[tuple[str, str]]:
    """Record each reflex named as an exception and return the (reflex, side) pairs it covers.

    Its own grade where one stands with it ("an absent left ankle jerk"), else the first grade word
    no name claimed after it ("except the left ankle jerk, which is absent"), else reduced.
    """
    spared: set[tuple[str, str]] = set()
    claimed = {id(n) for listed, _ in paired for n in listed}
    # a reflex named again in its own clause ("the knee jerks, not tested because of her knee replacements")
    # is the same exception, not a second one
    named: list[tuple[Mention, SideOrBoth | None]] = []
    for name in excepted:
        # the side word just before the name is its own ("the left ankle jerk ... and the right knee jerk"):
        # the sentence holds both sides once there are two exceptions
        before = _SIDE_BEFORE.search(draft.text, max(sentence[0], name.start - 24), name.start)
        own = (
            _side_word(before.group(1))
            if before
            else assign_sides(draft.text, sentence, [(name.start, name.end)], explicit=True)[0]
        )
        if all((earlier.key, earlier_side) != (name.key, own) for earlier, earlier_side in named):
            named.append((name, own))
    for index, (name, own) in enumerate(named):
        covered: list[Literal["left", "right"]] = [own] if own in ("left", "right") else ["left", "right"]
        if id(name) in claimed:
            spared |= {(name.key, s) for s in covered}
            continue  # graded with its own words, read by the caller
        # the exception's own clause runs to the next reflex it names, or to the end of the sentence
        clause_end = named[index + 1][0].start if index + 1 < len(named) else sentence[1]
        later = [
            g
            for g, (listed, _) in zip(grades, paired, strict=True)
            if not listed and name.end <= g.start < clause_end
        ]
        told_until = later[0].start if later else clause_end
        if _NOT_EXAMINED.search(draft.text, name.end, told_until):
            spared |= {(name.key, s) for s in covered}  # unknown: neither normal nor abnormal
            continue
        value = later[0].grades[0] if later else _EXCEPTED_GRADE
        if later and own not in ("left", "right"):
            side_word = _GRADE_SIDE.match(draft.text, later[0].end, clause_end)
            if side_word:
                covered = [_side_word(side_word.group(1))]
        spared |= {(name.key, s) for s in covered}
        flags = set(name.flags) - {"negated"}
        status = assertion(flags)
        end = later[0].end if later else name.end
        for s in covered:
            draft.add_item("reflex", f"{name.key} {s} {value}", name.start, end, flags, status)
            if status == "present":
                draft.reflexes.append((ReflexTest(reflex=name.key, side=s, grade=value), True))
    return spared


def _side_word(word: str) -> Literal["left", "right"]:
    """'Left' or 'right' as written, as a side."""
    return "left" if word.lower() == "left" else "right"


def _reflex_sides(
    grade: Grade, side: SideOrBoth | None, name: Mention, specific: bool
) -> list[tuple[Literal["left", "right"], int]] | None:
    value = grade.grades
    if len(value) == 2 and side != "bilateral":
        return [("right", value[0]), ("left", value[1])]  # "2/3": right 2, left 3
    if side == "left" or side == "right":
        return [(side, min(value))]
    if side == "bilateral" or not specific or value[0] == 2 or _PLURAL.search(name.text):
        return [("left", min(value)), ("right", min(value))]
    return None


_LOWER_LIMB = re.compile(
    r"lower|\bleg|\bBLE|knee|ankle|patell|achilles|foot|feet|toe|hip|thigh|calf|calves", re.IGNORECASE
)


def upper_limb_only(text: str) -> bool:
    """The words name the arms (or neck) and nothing of the legs."""
    from nervemap.nlp.read_body import cues

    return bool(cues().upper.search(text)) and not _LOWER_LIMB.search(text)


def _upper_only(draft: Draft, grade: Grade, sentence: tuple[int, int]) -> bool:
    """'Reflexes 2+ in BUE': a generic grade qualified by upper-limb words only."""
    from nervemap.nlp.read_body import cues

    window = draft.text[grade.end : min(sentence[1], grade.end + 25)]
    return bool(cues().upper.search(window)) and not re.search(
        r"lower|leg|BLE|knee|ankle|patell|achilles", window, re.IGNORECASE
    )
