"""Age, sex, symptom duration and onset. Vital signs and laboratory values are read by
``read_values`` through the reference ranges."""

from __future__ import annotations

import itertools
import re

from nervemap.nlp import scan
from nervemap.nlp.draft import Draft
from nervemap.nlp.onset import SUDDEN

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "few": 3, "a few": 3,
    "several": 4, "couple of": 2, "a couple of": 2, "one and a half": 1.5,
    # "for a number of years", "for many years": more than one, so at least several
    "a number of": 4, "number of": 4, "many": 4,
}  # fmt: skip
_UNIT_DAYS = {"h": 1 / 24, "d": 1, "w": 7, "m": 30.4, "y": 365.25}

# A bare "30 years" is a duration ("smokes one pack a day for the last 30 years"), not an age: the
# years form needs "old", "of age" or a person word after it.
_AGE = re.compile(
    r"(?<![\w.])(?P<n>\d{1,3})(?:\s*|-)(?:years?|yrs?|year)"
    r"(?:[\s-]*old|\s+of\s+age|(?=[\s-]+(?:male|female|man|woman|gentleman|lady|boy|girl|patient)\b))(?![\w])"
    r"|(?<![\w.])(?P<n2>\d{1,3})\s*(?:y/o|yo|y\.o\.)"
    r"|\baged?\s*:?\s+(?P<n3>\d{1,3})\b"
    r"|(?<![\w.])(?P<n4>\d{1,3})\s*(?P<sx>[MF])\b"
    # "a man of 34", "a woman of 60 years": the person word then "of" and a number that is no measure
    r"|\b(?:man|woman|gentleman|lady|male|female|boy|girl)\s+of\s+(?P<n5>\d{1,3})(?![\w%/]|[.,]\d)"
    r"(?!\s*(?:kg|kilos?|lbs?|pounds?|stones?|cm|mm|m\b|feet|ft|hours?|days?|weeks?|months?|percent))",
    re.IGNORECASE,
)
_SEX_STRONG = re.compile(
    # titles keep their case: "MR myelogram" is imaging and "MS" multiple sclerosis, not Mr and Ms
    r"\b(?P<f>woman|female|lady|girl|mother of|pregnant|RHF|LHF|(?-i:Mrs|Ms|MRS))\b"
    r"|\b(?P<m>man|male|gentleman|boy|RHM|LHM|(?-i:Mr))\b"
    r"|(?<=\d)\s*(?:y/o|yo|y\.o\.|years?[\s-]old)\s*(?:(?P<f2>F)|(?P<m2>M))\b"
    r"|(?<=y/o)(?:R|L)H(?:(?P<f3>F)|(?P<m3>M))\b",
    re.IGNORECASE,
)
_PRONOUN = re.compile(r"\b(?:(?P<f>she|her|hers|herself)|(?P<m>he|him|his|himself))\b", re.I)
_NUM = (
    r"(?P<n>\d+(?:\.\d+)?|one and a half|a couple of|couple of|a few|few|several|a number of|number of|many|"
    r"an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
)
_UNIT = r"(?P<u>hours?|hrs?|days?|weeks?|wks?|months?|mos?|years?|yrs?)"
_DURATIONS = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        rf"\b(?:for|x|×|over|since|of|past|last|in\s+the\s+past|approximately)\s+(?:the\s+)?"
        rf"(?:past\s+|last\s+|about\s+|approximately\s+|almost\s+|nearly\s+|over\s+)?{_NUM}[\s-]*{_UNIT}\b",
        rf"\b{_NUM}[\s-]*{_UNIT}(?:'s)?[\s-]+(?:history|duration|of\s+evolution|h/o|hx)(?!\w)",
        rf"\b{_NUM}[\s-]*{_UNIT}\s+of\b",
        rf"(?<![\w])[x×]\s*{_NUM}\s*{_UNIT}\b",
        rf"\b(?:started|began|begun|onset|developed|start)\s+(?:\w+\s+){{0,3}}?{_NUM}\s+{_UNIT}\s+ago\b",
        r"\b(?P<y>since\s+yesterday|since\s+last\s+night|since\s+this\s+morning|this\s+morning|"
        r"since\s+last\s+week|since\s+waking)\b",
        # "both my legs have gone to jelly this week": a change dated to this week (at most 7 days);
        # a bare "seen this week" dates the visit, not the symptom
        r"\b(?:started|began|begun|developed|gone|went|came\s+on|come\s+on|appeared)\s+(?:\w+\s+){0,3}?"
        r"(?P<y>this\s+week)\b",
    )
)
# every match of the first _UNITLESS duration patterns holds a unit word, then a word boundary
_UNITLESS = 5
_UNIT_WORD = re.compile(rf"{_UNIT}\b".replace("?P<u>", "?:"), re.IGNORECASE)
_DIGIT = re.compile(r"\d")
# a habit's length ("has smoked for 30 years", "drinking heavily for ten years") right before a duration
_HABIT_BEFORE = re.compile(
    r"\b(?:smok(?:ed|es|ing)|drink(?:s|ing)?|drank|vap(?:ed|es|ing))(?:\s+\w+ly)?\s+$", re.I
)
_FIXED = {"yesterday": 1.0, "night": 0.5, "morning": 0.25, "week": 7.0, "waking": 0.25}
# A gradual onset is read from words about how the pain began ("gradual onset", "insidious",
# "came on gradually"), or from a worsening course ("progressively worsening", "of progressive
# intensity") when the history is at least two days long: pain that worsens over hours after an
# abrupt start (an ischaemic leg "since this morning, getting progressively worse") did not begin
# gradually, and a gradual onset counts against the vascular emergencies. Words about recovery
# ("gradually tolerating more activity", "gradual improvement") say nothing of the onset.
_GRADUAL = re.compile(
    r"\b(?:gradual|insidious|slow)\s+onset\b|\binsidious(?:ly)?\b|"
    r"\bonset\s+(?:was|is|has\s+been)\s+(?:gradual|insidious|slow)\b|"
    r"\b(?:came|come|comes|coming|began|begin|begins|begun|started|start|starts|developed|develop|develops|"
    r"appeared|set|crept)\s+(?:on\s+|in\s+)?(?:gradually|insidiously|slowly)\b|"
    r"\bgradually\s+(?:came\s+on|began|started|developed|appeared|set\s+in)\b",
    re.I,
)
_WORSENING_COURSE = re.compile(
    r"\b(?:gradual(?:ly)?|progressive(?:ly)?|slowly)\s+(?:worsening|worse|increasing|progressive|"
    r"more\s+(?:intense|severe|painful)|getting\s+worse|failing|enlarging|larger)\b|"
    r"\bof\s+progressive\s+intensity\b|\bslowly\s+progressive\b|"
    r"\b(?:getting|got|become|became|becoming|grown|grew|growing)\s+(?:gradually|progressively|slowly)\s+"
    r"(?:worse|more|larger|weaker|intense)",
    re.I,
)
# the shortest history in which a worsening course is read as a gradual onset (days)
_COURSE_MIN_DAYS = 2.0


def _number(text: str) -> float:
    text = text.lower()
    return float(text) if re.fullmatch(r"\d+(?:\.\d+)?", text) else float(_NUMBER_WORDS.get(text, 1))


def read_patient(draft: Draft) -> None:
    _age(draft)
    _child(draft)
    _sex(draft)
    _duration(draft)
    _onset(draft)


# "an 18-month-old", "a 3-week-old infant": an age in months or weeks (children; adult reference
# ranges and priors must not be applied as if the number were years)
_AGE_YOUNG = re.compile(
    r"(?<![\w.])(?P<n>\d{1,2})(?:\s*|-)(?P<u>months?|weeks?|days?)(?:[\s-]*old)\b", re.IGNORECASE
)


# "in his 60s", "a woman in her late seventies", "60s M": an age given as a decade. The middle of the
# decade is taken: the age bands and the age-related reflex threshold of the knowledge base fall on
# decade edges (18 aside, which is why the teens are not read), so the middle decides them as the true
# age would; only reference ranges split at 55 (reference_ranges.yaml) can fall either side in the 50s.
_DECADE_WORDS = {"twenties": 20, "thirties": 30, "forties": 40, "fifties": 50, "sixties": 60,
                 "seventies": 70, "eighties": 80, "nineties": 90}  # fmt: skip
_DECADE = r"(?:(?P<d>[2-9]0)'?s|(?P<w>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties))"
_AGE_DECADE = (
    # "in the 80s" is not read: it is how vital signs are given ("BP in the 80s", "saturations in the 90s")
    re.compile(rf"\bin\s+(?:his|her|their)\s+(?:(?:early|mid|late)[\s-]+)?{_DECADE}(?![\w-])", re.I),
    re.compile(rf"(?:^|(?<=[.:;\n]))\s*{_DECADE}\s*(?:[MF]|male|female|man|woman|gentleman|lady)\b", re.I),
    re.compile(rf"\b(?:man|woman|male|female|gentleman|lady)\s*,?\s*{_DECADE}(?![\w-])", re.I),
)


# "Her father died of prostate cancer in his 60s": a relative's age, not the patient's
_RELATIVE = re.compile(
    r"\b(?:mother|father|sister|brother|mom|mum|dad|aunt|uncle|grandmother|grandfather|grandparents?|sibling|"
    r"siblings|daughter|son|parents?|cousin|husband|wife|relatives?)\b",
    re.IGNORECASE,
)


def _decade_age(draft: Draft) -> None:
    found = [
        match
        for pattern in _AGE_DECADE
        for match in pattern.finditer(draft.text)
        if not _RELATIVE.search(draft.text, draft.sentence_of(match.start())[0], match.start())
    ]
    if not found:
        return
    match = min(found, key=lambda m: m.start())
    digits, word = match.group("d"), match.group("w")
    decade = int(digits) if digits else _DECADE_WORDS[word.lower()]
    draft.age = float(decade + 5)
    draft.add_item("age", f"{decade}s", match.start(), match.end())


def _age(draft: Draft) -> None:
    if _DIGIT.search(draft.text) is None:  # every age pattern but the decades holds a number (speed)
        _decade_age(draft)
        return
    young = scan.search(_AGE_YOUNG, draft.text)
    ages = _AGE.finditer(draft.text)
    first = next(ages, None)
    if young is not None and (first is None or young.start() < first.start()):
        per_year = {"m": 12.0, "w": 52.18, "d": 365.25}[young.group("u")[0].lower()]
        draft.age = round(int(young.group("n")) / per_year, 2)
        draft.add_item("age", f"{draft.age:g}", young.start(), young.end())
        return
    for match in itertools.chain((first,) if first is not None else (), ages):
        value = next(
            (match.group(g) for g in ("n", "n2", "n3", "n4", "n5") if match.group(g) is not None), None
        )
        if value is None or not 0 <= int(value) <= 120:
            continue
        if match.group("n4") is not None and not re.search(
            r"(?:^|[.:\n]\s*|\b(?:a|an|is|this|the)\s+)$",
            draft.text[max(0, match.start() - 12) : match.start()],
        ):
            continue  # "40 F" only at the opening of a sentence
        draft.age = float(value)
        draft.add_item("age", value, match.start(), match.end())
        return
    _decade_age(draft)


# "Child, temp 39, won't walk", "A toddler limping since yesterday": a note that calls the patient a child
# and gives no age still says the age band, which the rule for a febrile child who will not bear weight
# needs (Kocher 1999; E s10: such probes were emergencies by probability alone). Only a sentence that opens
# with the child (not "lifting her child"), and not "boy"/"girl", which adults are called too.
_CHILD = re.compile(
    r"(?:^|(?<=[.!?\n]))\s*(?:(?:a|an|the|this)\s+)?(?:(?:young|little|small|sick|unwell|febrile|limping)\s+)?"
    r"(?:child|toddler|infant|baby|schoolboy|schoolgirl)\b(?!'s)"
    # an adult's work or a birth, not the patient: "Child care worker ...", "Baby delivered three weeks ago"
    r"(?!\s*-?\s*(?:care|carer|minder|minding|protection|development)\b)(?!\s+(?:was\s+|were\s+)?(?:delivered|born)\b)",
    re.IGNORECASE,
)
UNDER_18 = "age_under_18"


def _child(draft: Draft) -> None:
    if draft.age is not None:
        return
    match = scan.search(_CHILD, draft.text)
    if match is not None:
        draft.findings.append((UNDER_18, "present", None))
        draft.add_item("finding", "a child", match.start(), match.end())


def _sex(draft: Draft) -> None:
    match = _SEX_STRONG.search(draft.text)
    if match:
        female = any(match.group(g) for g in ("f", "f2", "f3"))
        draft.sex = "female" if female else "male"
        draft.add_item("sex", draft.sex, match.start(), match.end())
        return
    counts = {"female": 0, "male": 0}
    first: dict[str, re.Match[str]] = {}
    for pronoun in _PRONOUN.finditer(draft.text):
        sex = "female" if pronoun.group("f") else "male"
        counts[sex] += 1
        first.setdefault(sex, pronoun)
    if counts["female"] != counts["male"]:
        sex = "female" if counts["female"] > counts["male"] else "male"
        draft.sex = "female" if sex == "female" else "male"
        hit = first[sex]
        draft.add_item("sex", sex, hit.start(), hit.end())


def _duration(draft: Draft) -> None:
    """The first duration in a sentence that speaks of a symptom (not "30-year smoking history")."""
    symptoms = draft.knowledge.symptom_findings  # not "hypertension for 10 years"
    symptom_sentences = {
        draft.sentence_of(m.start)
        for m in draft.note.mentions
        if m.kind in ("symptom", "region") or (m.kind == "finding" and not m.flags and m.key in symptoms)
    }
    if not symptom_sentences:
        return  # no sentence a duration could be read from (speed)
    # the number-and-unit patterns cannot match a text without a unit word (speed)
    patterns = _DURATIONS if _UNIT_WORD.search(draft.text) else _DURATIONS[_UNITLESS:]
    matches = sorted(
        (m for pattern in patterns for m in scan.finditer(pattern, draft.text)),
        key=lambda m: m.start(),
    )
    for match in matches:
        if draft.sentence_of(match.start()) not in symptom_sentences:
            continue
        if _HABIT_BEFORE.search(draft.text, max(0, match.start() - 40), match.start()):
            continue  # "has smoked for 30 years": how long a habit has lasted, not the symptom
        if "y" in match.groupdict():
            days = _FIXED[match.group("y").split()[-1].lower()]
        else:
            unit = match.group("u").lower()
            days = _number(match.group("n")) * _UNIT_DAYS["m" if unit.startswith("mo") else unit[0]]
        if days > 36500:
            continue
        draft.duration_days = round(days, 2)
        draft.add_item("duration", f"{draft.duration_days:g} days", match.start(), match.end())
        return


# A denial word in the onset word's own phrase (since the last comma, semicolon, colon or bracket): the
# onset word is denied only when the denial sits in its phrase ("denies sudden weakness", "no abrupt
# change"), not when a denial's scope runs on past a comma into the complaint ("No signal on Doppler over
# the foot pulses, sudden pain"). A missed sudden onset under-triages an ischaemic limb; a sudden onset
# read from the last item of a list of denials only weighs toward the vascular emergencies.
_DENIAL_WORD = re.compile(
    r"\b(?:no|not|nor|denies|denied|deny|denying|without|never|negative\s+for)\b|n't\b", re.I
)
_PHRASE_BREAK = re.compile(r"[,;:()]")
# a denial that closes the onset word's phrase (E s13): "Sudden weakness denied.", "sudden numbness - none"
_TRAILING_DENIAL = re.compile(r"\b(?:denied|none|nil)\b", re.I)


def _denied_in_own_phrase(draft: Draft, start: int) -> bool:
    sentence_start, sentence_end = draft.sentence_of(start)
    before = draft.text[sentence_start:start]
    cut = max((m.end() for m in _PHRASE_BREAK.finditer(before)), default=0)
    if _DENIAL_WORD.search(before, cut):
        return True
    after = draft.text[start:sentence_end]
    stop = next((m.start() for m in _PHRASE_BREAK.finditer(after)), len(after))
    return bool(_TRAILING_DENIAL.search(after, 0, stop))


def _asserted(draft: Draft, match: re.Match[str]) -> bool:
    """No mention over the onset word is flagged; a negated onset word is asserted unless its own
    phrase holds the denial (the onset's own negation scope, above)."""
    for mention in draft.note.mentions:
        if not (mention.start <= match.start() < mention.end and mention.flags):
            continue
        own_scope = mention.kind == "onset" and mention.flags == {"negated"}
        if own_scope and not _denied_in_own_phrase(draft, match.start()):
            continue
        return False
    return True


def _onset(draft: Draft) -> None:
    course = draft.duration_days is not None and draft.duration_days >= _COURSE_MIN_DAYS
    patterns = [(SUDDEN, "sudden"), (_GRADUAL, "gradual")]
    if course:
        patterns.append((_WORSENING_COURSE, "gradual"))
    for pattern, onset in patterns:
        # the first onset word that is asserted: one in a denial's or a history's scope ("denies sudden
        # weakness") is passed over, and a later one may still say how the pain began
        for match in scan.finditer(pattern, draft.text):
            if not _asserted(draft, match):
                continue
            draft.onset = "sudden" if onset == "sudden" else "gradual"
            draft.add_item("onset", onset, match.start(), match.end())
            return
