#!/usr/bin/env python3
"""Derive nervemap's development set from the public validation cases.

Reads ``shared/cases/public/*.jsonl`` (real published cases written by others) and writes
``tests/data/devset.jsonl``: one evaluation case per line, the input text (vignette only, with the
question, options and diagnosis sections cut) and an expectation derived from the source's own
answer through the reviewable mapping table ``scripts/devset_mapping.yaml``.

    python scripts/derive_devset.py [CASES_DIR] [--out tests/data/devset.jsonl] [--quiet]

The output is deterministic: same input and mapping, same bytes.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CASES = Path(__file__).resolve().parents[2] / "shared" / "cases" / "public"
DEFAULT_OUT = REPO / "tests" / "data" / "devset.jsonl"
DEFAULT_MAPPING = Path(__file__).resolve().parent / "devset_mapping.yaml"

# Files in the order they are read; on a duplicate the earlier (original) case is kept.
FILES: tuple[tuple[str, str], ...] = (
    ("medqa_legpain.jsonl", "medqa"),
    ("casimedicos_legpain.jsonl", "casimedicos"),
    ("medmcqa_legpain.jsonl", "medmcqa"),
    ("agentclinic_legpain.jsonl", "agentclinic"),
    ("mtsamples_legpain.jsonl", "mtsamples"),
    ("mtsamples_mimics.jsonl", "mtsamples"),
)

TRIAGE_ORDER = ("self-care", "routine", "soon", "urgent", "emergency")
MIN_WORDS = 20  # fewer words of clinical text left after cutting: nothing to assess
# Operative-note bookkeeping: these sections describe the operation (anaesthetic, blood loss,
# fluids, drains, complications), not the patient's presentation, so their words are not counted
# as clinical text. A report left with only these has nothing to assess or to triage.
_BOOKKEEPING = re.compile(
    r"^(?:ANA?ESTHE\w*|(?:ESTIMATED )?BLOOD LOSS|EBL|BLOOD REPLACED|DRAINS?(?: ?\(S\))?"
    r"|COMPLICATIONS?|(?:INTRAVENOUS |IV )?FLUIDS?|CRYSTALLOID\w*(?: GIVEN)?|TOURNIQUET(?: TIME)?"
    r"|URINE OUTPUT|INJECTATES?(?: USED)?|ANTIBIOTICS?(?: ?\(S\))?|IMPLANTS?|SPECIMENS?"
    r"|(?:FIRST |SECOND )?ASSISTANTS?|SURGEONS?|SERVICE)\s*:"
)
DEDUP_WORDS = 18
DEDUP_THRESHOLD = 0.8  # difflib ratio over the first DEDUP_WORDS words
DEDUP_DATASETS = ("medqa", "casimedicos", "medmcqa", "agentclinic")  # MTSamples: distinct reports

# --------------------------------------------------------------------------- exam vignettes

_QUESTION = re.compile(
    r"\?\s*$|:\s*$|^next\b|which of the following|^what\b|^which\b|^how\b|^when and how\b"
    r"|most (?:likely|probable|appropriate|sensitive|specific|correct|common)"
    r"|next (?:best )?step|we should suspect|would be:?$|is due to|due to deficiency"
    r"|diagnosis is\b|is suffering from|this is due to",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])|\n+")
_STEM_PREFIX = re.compile(
    r"^(?:the most (?:likely|probable) diagnosis of|which of the following[^,]*,)\s+", re.IGNORECASE
)
_STEM_SUFFIX = re.compile(
    r"\s+(?:is|are|this is due to|is due to(?: deficiency of)?|with of the following.*|"
    r"patient is suffering from.*)\s*:?\s*$",
    re.IGNORECASE,
)


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text.strip()) if s.strip()]


def vignette(question: str) -> tuple[str, str]:
    """Cut the trailing question sentence(s); returns (vignette, what was cut)."""
    sentences = split_sentences(question)
    cut: list[str] = []
    while sentences and _QUESTION.search(sentences[-1]):
        cut.insert(0, sentences.pop())
    if not sentences and cut:
        # The whole item is one question stem ("The most likely diagnosis of a 74-year-old ...
        # is:"): keep the patient description inside it.
        stem = cut[0]
        kept = _STEM_SUFFIX.sub("", _STEM_PREFIX.sub("", stem)).rstrip(" :?")
        if kept != stem.rstrip(" :?") and not re.match(r"(?i)which|what|how", kept):
            return kept[:1].upper() + kept[1:] + ".", stem
        return "", " ".join(cut)
    return " ".join(sentences), " ".join(cut)


# --------------------------------------------------------------------------- AgentClinic OSCE


def _human(key: str) -> str:
    return key.replace("_", " ").strip()


def _flatten(value: Any) -> str:
    if isinstance(value, dict):
        parts = []
        for k, v in value.items():
            inner = _flatten(v)
            if inner:
                parts.append(f"{_human(k)}: {inner}")
        return "; ".join(parts)
    if isinstance(value, list):
        return "; ".join(_flatten(v) for v in value if _flatten(v))
    return str(value).strip() if value is not None else ""


def agentclinic_text(osce: dict[str, Any]) -> str:
    """History, symptoms, past history, examination and tests; never the diagnosis."""
    actor = osce.get("Patient_Actor", {})
    lines: list[str] = []
    demo = str(actor.get("Demographics", "")).strip()
    if demo:
        lines.append(f"Patient: {demo}.")
    if actor.get("History"):
        lines.append(str(actor["History"]).strip())
    symptoms = actor.get("Symptoms", {})
    if isinstance(symptoms, dict):
        if symptoms.get("Primary_Symptom"):
            lines.append(f"Primary symptom: {_flatten(symptoms['Primary_Symptom'])}.")
        if symptoms.get("Secondary_Symptoms"):
            lines.append(f"Other symptoms: {_flatten(symptoms['Secondary_Symptoms'])}.")
    elif symptoms:
        lines.append(f"Symptoms: {_flatten(symptoms)}.")
    for key in ("Past_Medical_History", "Social_History", "Review_of_Systems"):
        if actor.get(key):
            lines.append(f"{_human(key)}: {_flatten(actor[key])}")
    if osce.get("Physical_Examination_Findings"):
        lines.append(f"Examination: {_flatten(osce['Physical_Examination_Findings'])}")
    if osce.get("Test_Results"):
        lines.append(f"Test results: {_flatten(osce['Test_Results'])}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- MTSamples reports

_HEADING = re.compile(
    r"(?:(?<=\n)|^|(?<=\.\s)|(?<=\.  )|(?<=:\s\s))"
    r"((?=[A-Z0-9 ,/&()'\-]*[A-Z]{3})[A-Z][A-Z0-9 ,/&()'\-]{2,70}?)(?:\s*:|[ \t]*(?=\n))"
)
_CUT_HEADING = re.compile(
    r"ASSESSMENT|IMPRESSION|DIAGNOS(?!TIC)|\bPLAN\b|PROCEDURE|OPERATION|OPERATIVE|CONCLUSION"
    r"|RECOMMENDATION|DISPOSITION|HOSPITAL COURSE|DISCHARGE|FORMULATION|PROGNOSIS"
    r"|SURGERIES? PERFORMED|\bTITLE\b|^COURSE$"
)
_OPERATIVE_NOTE = re.compile(r"PREOP|POSTOP|OPERATI|PROCEDURE|ANESTHESIA")
_KEEP_HEADING = re.compile(r"INDICATION|HISTORY|REASON|COMPLAINT")
_DIAGNOSIS_HEADING = re.compile(r"DIAGNOS(?!TIC)|IMPRESSION|ASSESSMENT|CONCLUSION|FORMULATION")
_TITLE_MAX = 300  # procedure/operation titles shorter than this name the diagnosis


@dataclass
class Report:
    kept: str
    cut: list[tuple[str, str]] = field(default_factory=list)

    @property
    def diagnosis_text(self) -> str:
        """Diagnosis-like sections, plus short procedure titles (not the operative narrative)."""
        parts = []
        for h, b in self.cut:
            if not b:
                continue
            if _DIAGNOSIS_HEADING.search(h):
                parts.append(f"{h}: {b[:1200]}")
            elif len(b) <= _TITLE_MAX and not re.search(r"PLAN|DISPOSITION|DISCHARGE", h):
                parts.append(f"{h}: {b}")
        return " | ".join(parts)


def split_report(transcription: str) -> Report:
    """Split a report at its headings; cut the sections that state the diagnosis."""
    text = transcription.replace("\r", "")
    marks = list(_HEADING.finditer(text))
    headings = [m.group(1).strip() for m in marks]
    operative = any(_OPERATIVE_NOTE.search(h) for h in headings)
    kept: list[str] = []
    cut: list[tuple[str, str]] = []
    if marks and marks[0].start() > 0:
        kept.append(text[: marks[0].start()].strip())
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        heading = m.group(1).strip()
        body = re.sub(r"\s+", " ", text[m.end() : end]).strip()
        cut_it = _CUT_HEADING.search(heading) and not _KEEP_HEADING.search(heading)
        if cut_it or (operative and re.search(r"FINDINGS", heading)):
            cut.append((heading, body))
        else:
            kept.append(f"{heading}: {body}")
    if not marks:
        kept = [text.strip()]
    return Report(kept="\n".join(k for k in kept if k), cut=cut)


# --------------------------------------------------------------------------- mapping


@dataclass(frozen=True)
class Rule:
    id: str
    pattern: re.Pattern[str]
    condition: str | None
    icd10: tuple[str, ...]
    source: str | None
    triage_ok: tuple[str, ...]
    is_emergency: bool
    in_scope: bool
    localise: bool
    why: str


@dataclass(frozen=True)
class Mapping:
    rules: tuple[Rule, ...]
    relevance_out: dict[str, str]
    tier_out: dict[str, str]
    overrides: dict[str, dict[str, Any]]


def load_mapping(path: Path) -> Mapping:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    defaults: dict[str, dict[str, Any]] = raw.get("condition_defaults", {})
    rules = []
    for r in raw["rules"]:
        cond = r.get("condition")
        d = defaults.get(cond, {}) if cond else {}
        triage = r.get("triage_ok", d.get("triage_ok", []))
        for level in triage:
            if level not in TRIAGE_ORDER:
                raise ValueError(f"rule {r['id']}: unknown triage level {level}")
        rules.append(
            Rule(
                id=r["id"],
                pattern=re.compile(r["pattern"], re.IGNORECASE),
                condition=cond,
                icd10=tuple(r.get("icd10", d.get("icd10", []))),
                source=r.get("source", d.get("source")),
                triage_ok=tuple(sorted(triage, key=TRIAGE_ORDER.index)),
                is_emergency=bool(r.get("is_emergency", d.get("is_emergency", False))),
                in_scope=bool(r.get("in_scope", cond is not None)),
                localise=bool(r.get("localise", d.get("localise", False))),
                why=str(r.get("why", "")).strip(),
            )
        )
    ids = [r.id for r in rules]
    dupes = [i for i, n in Counter(ids).items() if n > 1]
    if dupes:
        raise ValueError(f"duplicate rule ids: {dupes}")
    return Mapping(
        rules=tuple(rules),
        relevance_out=dict(raw.get("out_of_scope_relevance", {})),
        tier_out=dict(raw.get("out_of_scope_mtsamples_tier", {})),
        overrides=dict(raw.get("overrides", {}) or {}),
    )


def match_rules(mapping: Mapping, text: str) -> list[Rule]:
    return [r for r in mapping.rules if r.pattern.search(text)]


# --------------------------------------------------------------------------- root and side

_ROOT_NAMED = re.compile(r"(?<![-/])\b(L[1-5]|S[1-3])\s*(?:nerve\s*)?(?:root|radicul\w*|dermatom\w*)", re.I)
_DISC = re.compile(
    r"\b(L[1-5])\s*(?:-|/|\s)?\s*(L?[1-5]|S1)\b(?=[^.;|]{0,80}?"
    r"(?:dis[ck]|herniat|HNP|protru|extru|nucleus))|"
    r"(?:dis[ck]|herniat|HNP|protru|extru|nucleus)[^.;|]{0,40}?\b(L[1-5])\s*(?:-|/|\s)?\s*(L?[1-5]|S1)\b",
    re.I,
)
_SIDE = re.compile(r"\b(left|right|bilateral(?:ly)?)\b", re.I)
_SIDE_CONTEXT = re.compile(
    r"radicul|sciatic|dis[ck]|herniat|HNP|\b[LS][1-5]\b|foramin|lower extremity|\bleg\b|"
    r"femoral|peroneal|fibular|meralgia|tarsal|nerve",
    re.I,
)


def _traversing(upper: str, lower: str, foraminal: bool) -> str | None:
    up = int(upper[1])
    if foraminal:
        return f"L{up}"
    low = lower.upper().lstrip("L")
    if low == "S1":
        return "S1"
    if low.isdigit() and int(low) == up + 1:
        return f"L{up + 1}" if up + 1 <= 5 else "S1"
    return None


def stated_root(text: str) -> tuple[str | None, str]:
    """One root named (or implied by one disc level) in the answer text, else None."""
    roots: set[str] = set()
    how: list[str] = []
    for m in _ROOT_NAMED.finditer(text):
        roots.add(m.group(1).upper())
        how.append(m.group(0))
    for m in _DISC.finditer(text):
        upper, lower = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        window = text[max(0, m.start() - 40) : m.end() + 40]
        foraminal = bool(re.search(r"foramin|far[- ]lateral|extraforamin", window, re.I))
        root = _traversing(upper.upper(), lower, foraminal)
        if root:
            roots.add(root)
            how.append(f"{m.group(0)} -> {root}" + (" (foraminal: exiting root)" if foraminal else ""))
    if len(roots) == 1:
        return next(iter(roots)), "; ".join(dict.fromkeys(how))
    return None, ("several roots: " + ", ".join(sorted(roots))) if roots else ""


def stated_side(text: str) -> str | None:
    sides: set[str] = set()
    for m in _SIDE.finditer(text):
        window = text[max(0, m.start() - 50) : m.end() + 60]
        if not _SIDE_CONTEXT.search(window):
            continue
        word = m.group(1).lower()
        sides.add("bilateral" if word.startswith("bilateral") else word)
    if len(sides) == 1 and "bilateral" not in sides:
        return next(iter(sides))
    return None


# --------------------------------------------------------------------------- derivation


@dataclass
class Raw:
    dataset: str
    record: dict[str, Any]
    text: str
    answer: str
    match_text: str
    relevance: str
    cut_note: str


def clinical_words(text: str) -> int:
    """Words of the text outside operative-note bookkeeping sections."""
    lines = [line for line in text.split("\n") if not _BOOKKEEPING.match(line.strip())]
    return len(" ".join(lines).split())


def _norm_words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def fingerprint(text: str) -> list[str]:
    """The first ~18 words, normalised (lower case, letters and digits only)."""
    return _norm_words(text)[:DEDUP_WORDS]


def similar(a: list[str], b: list[str]) -> bool:
    return bool(a and b) and SequenceMatcher(None, a, b).ratio() >= DEDUP_THRESHOLD


def read_raw(cases_dir: Path) -> Iterable[Raw]:
    for name, dataset in FILES:
        path = cases_dir / name
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").split("\n"):
            if not line.strip():
                continue
            rec = json.loads(line)
            if dataset == "agentclinic":
                text = agentclinic_text(rec.get("osce", {}))
                answer = str(rec.get("correct_diagnosis", ""))
                match_text = f"{answer} || {rec.get('topic', '')}"
                cut_note = "text composed from the OSCE history, symptoms, exam and tests"
                relevance = str(rec.get("relevance", ""))
            elif dataset == "mtsamples":
                report = split_report(str(rec.get("transcription", "")))
                text = report.kept
                diag = report.diagnosis_text
                answer = diag[:800] if diag else str(rec.get("description", ""))
                match_text = f"{diag} || {rec.get('description', '')} || {rec.get('sample_name', '')}"
                cut_note = "cut title/description and sections: " + (
                    ", ".join(dict.fromkeys(h for h, _ in report.cut)) or "none"
                )
                relevance = str(
                    rec.get("relevance_tier") or "mimic:" + ",".join(rec.get("mimic_categories", []))
                )
            else:
                text, cut = vignette(str(rec.get("question", "")))
                answer = str(rec.get("answer", ""))
                match_text = f"{rec.get('topic', '')} || {answer}"
                cut_note = f"cut question: {cut[:160]!r}" if cut else "no question sentence found"
                relevance = str(rec.get("relevance", ""))
            yield Raw(dataset, rec, text.strip(), answer.strip(), match_text, relevance, cut_note)


def derive(raw: Raw, mapping: Mapping) -> dict[str, Any]:
    rec = raw.record
    case_id = str(rec["case_id"])
    matched = match_rules(mapping, raw.match_text)
    primary = matched[0] if matched else None
    reasons: list[str] = []
    in_scope = bool(primary and primary.in_scope)
    if primary is None:
        reasons.append("no mapping rule matched the answer: outside nervemap's conditions")
    elif not primary.in_scope:
        reasons.append(f"rule {primary.id}: {primary.why or 'outside nervemap conditions'}")
    else:
        reasons.append(f"rule {primary.id} matched the answer" + (f" ({primary.why})" if primary.why else ""))
    rel_out = mapping.relevance_out.get(raw.relevance)
    tier_out = mapping.tier_out.get(raw.relevance)
    scope_out = bool(rel_out or tier_out)
    if scope_out:
        in_scope = False
        reasons.append(f"relevance {raw.relevance}: {rel_out or tier_out}")
    words = clinical_words(raw.text)
    too_short = words < MIN_WORDS
    if too_short:
        in_scope = False
        reasons.append(
            f"only {words} words of clinical text left after cutting (operative bookkeeping "
            "not counted): nothing to assess or triage"
        )

    in_rules = [r for r in matched if r.in_scope]
    condition = primary.condition if primary and primary.in_scope and not scope_out else None
    icd: list[str] = []
    for r in in_rules if condition else [primary] if primary else []:
        icd.extend(c for c in r.icd10 if c not in icd)
    also = sorted({r.condition for r in in_rules if r.condition and r.condition != condition})
    root: str | None = None
    side: str | None = None
    if primary and primary.localise:
        root, how = stated_root(raw.match_text)
        side = stated_side(raw.match_text.split(" || ")[0] if raw.dataset == "mtsamples" else raw.match_text)
        if how:
            reasons.append(f"root from answer: {how}")
    expect: dict[str, Any] = {
        "icd10_any": icd,
        "condition": condition,
        "source": primary.source if primary else None,
        "root": root,
        "side": side,
        "triage_ok": list(primary.triage_ok) if primary else [],
        "is_emergency": primary.is_emergency if primary else False,
    }
    if also:
        expect["also"] = also
    if scope_out or too_short:
        # Out by relevance label (knowledge, visceral, cervical, incidental report): the matched
        # rule's source and triage would describe a different problem; do not score them.
        # Too little clinical text: there is no presentation to read, so nothing to score.
        expect.update(source=None, root=None, side=None, triage_ok=[], is_emergency=False)
        expect.pop("also", None)
    override = mapping.overrides.get(case_id)
    if override:
        for key, value in override.items():
            if key in ("why", "in_scope"):
                continue
            expect[key] = value
        if "in_scope" in override:
            in_scope = bool(override["in_scope"])
        reasons.append(f"override: {override.get('why', 'see mapping')}")
    if expect["condition"] is None:
        in_scope = False
    reasons.append(raw.cut_note)
    return {
        "id": case_id,
        "text": raw.text,
        "source": {
            "dataset": raw.dataset,
            "case_id": case_id,
            "repo": rec.get("repo"),
            "path": rec.get("path"),
            "commit": rec.get("commit"),
            "item_id": rec.get("item_id"),
        },
        "relevance": raw.relevance,
        "answer": raw.answer,
        "expect": expect,
        "in_scope": in_scope,
        "derivation": "; ".join(reasons),
    }


def derive_all(cases_dir: Path, mapping: Mapping) -> tuple[list[dict[str, Any]], list[str]]:
    kept: list[dict[str, Any]] = []
    prints: list[tuple[str, list[str]]] = []
    dropped: list[str] = []
    for raw in read_raw(cases_dir):
        case = derive(raw, mapping)
        fp = fingerprint(raw.text)
        dup = None
        if raw.dataset in DEDUP_DATASETS:
            dup = next((cid for cid, other in prints if similar(fp, other)), None)
        if dup is None and raw.dataset == "agentclinic":
            dup = _agentclinic_repeat(raw, kept)
        if raw.dataset in DEDUP_DATASETS:
            prints.append((case["id"], fp))  # dropped ones too: a chain of rewordings
        if dup is not None:
            dropped.append(f"{case['id']} (repeats {dup})")
            continue
        kept.append(case)
    return kept, dropped


def _agentclinic_repeat(raw: Raw, kept: list[dict[str, Any]]) -> str | None:
    """AgentClinic rewrites MedQA vignettes as OSCE JSON: same age, sex and answer = a repeat."""
    demo = str(raw.record.get("osce", {}).get("Patient_Actor", {}).get("Demographics", ""))
    age = re.search(r"\d+", demo)
    answer = raw.answer.lower().strip()
    for case in kept:
        if case["source"]["dataset"] not in ("medqa", "agentclinic") or not age:
            continue
        same_answer = answer and (
            answer == case["answer"].lower().strip() or answer in case["answer"].lower()
        )
        if same_answer and re.search(rf"\b{age.group(0)}[- ]year", case["text"][:80]):
            return str(case["id"])
    return None


def summarise(cases: list[dict[str, Any]], dropped: list[str]) -> str:
    lines = [f"total {len(cases)} (dropped {len(dropped)} duplicates)"]
    scoped = [c for c in cases if c["in_scope"]]
    lines.append(f"in scope {len(scoped)}; out of scope {len(cases) - len(scoped)}")
    lines.append("per dataset (in scope / total):")
    by_ds = Counter(c["source"]["dataset"] for c in cases)
    by_ds_in = Counter(c["source"]["dataset"] for c in scoped)
    for ds in sorted(by_ds):
        lines.append(f"  {ds:12s} {by_ds_in[ds]:4d} / {by_ds[ds]:4d}")
    lines.append("in scope per condition:")
    for cond, n in sorted(Counter(c["expect"]["condition"] for c in scoped).items()):
        lines.append(f"  {cond:48s} {n:4d}")
    lines.append(
        "in scope with root: "
        f"{sum(1 for c in scoped if c['expect']['root'])}, with side: "
        f"{sum(1 for c in scoped if c['expect']['side'])}, emergencies: "
        f"{sum(1 for c in scoped if c['expect']['is_emergency'])}"
    )
    if dropped:
        lines.append("duplicates dropped: " + ", ".join(dropped))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("cases_dir", nargs="?", type=Path, default=DEFAULT_CASES)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--mapping", type=Path, default=DEFAULT_MAPPING)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    mapping = load_mapping(args.mapping)
    cases, dropped = derive_all(args.cases_dir, mapping)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8", newline="\n") as fh:
        for case in cases:
            fh.write(json.dumps(case, ensure_ascii=False) + "\n")
    if not args.quiet:
        print(summarise(cases, dropped))
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
