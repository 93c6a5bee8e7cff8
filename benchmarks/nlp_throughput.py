"""Clinical-text throughput on one core: nervemap's whole extraction against medSpaCy's default
pipeline on the same notes, as a ratio.

Run: .venv/bin/python benchmarks/nlp_throughput.py [--rounds 3] [--batch-size 64] [--short 1880]
     .venv/bin/python benchmarks/nlp_throughput.py --instructions 128   (needs valgrind)

Both sides get the same notes, one process pinned to one core, spaCy's ``nlp.pipe`` with the same
batch size, pipelines loaded and warmed before the clock starts:
- medSpaCy: ``medspacy.load()`` as shipped (PyRuSH sentences, target matcher, ConText with its
  default rules) over each note; PyRuSH's per-sentence debug logging is switched off (loguru),
  otherwise it would measure writing log lines;
- nervemap: ``nervemap.nlp.extract_many`` - the whole process from text to an Extraction (input
  hygiene, rule matching, sentences, ConText, every reader, the Case), the same result as
  ``extract`` one note at a time (also timed).
Notes: "test notes" are every distinct note text in tests/golden/*.jsonl and tests/data/*.jsonl
(multi-sentence clinical vignettes and transcriptions); "two-sentence notes" are built from
benchmarks/short_notes.txt as benchmarks/batch_scaling.py builds them (the issue's set: 8 different
texts, repeated); "distinct two-sentence notes" pair consecutive sentences of the test notes, none
repeated, so that nothing either pipeline keeps per text is reused. Rounds alternate between the
two pipelines and each keeps its best CPU time, so other load on the machine affects both alike.

``--instructions N``: instructions per note instead of CPU time, counted by valgrind's callgrind
(the same whatever else the machine runs): each pipeline in its own process, warmed on 64 notes,
then counted on the next N notes of each set of two-sentence notes (instrumentation switched on
around that loop only, ``callgrind_control -i on``). An instruction ratio is not a time ratio:
nervemap's work retires fewer instructions per cycle than medSpaCy's (docs/scaling.md, session 13).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
ROOT = HERE.parent
SHORT = (HERE / "short_notes.txt").read_text(encoding="utf-8").splitlines()


def test_notes() -> list[str]:
    files = sorted((ROOT / "tests" / "golden").glob("*.jsonl")) + sorted(
        (ROOT / "tests" / "data").glob("*.jsonl")
    )
    texts: dict[str, None] = {}
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            text = json.loads(line).get("text") if line.strip() else None
            if isinstance(text, str) and text.strip():
                texts[text] = None
    return list(texts)


def two_sentence_notes(count: int) -> list[str]:
    return [f"{SHORT[i % len(SHORT)]} {SHORT[(i * 3 + 1) % len(SHORT)]}" for i in range(count)]


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def distinct_two_sentence_notes(count: int) -> list[str]:
    """Up to ``count`` different two-sentence notes: consecutive sentences of the test notes,
    paired. ``two_sentence_notes`` repeats 8 texts, so whatever either pipeline remembers per
    text (spaCy's tokeniser cache, nervemap's per-text gates) is found again; here it is not."""
    notes: dict[str, None] = {}
    for text in test_notes():
        sentences = [s.strip() for s in _SENTENCE_END.split(text) if 20 <= len(s.strip()) <= 200]
        for first, second in zip(sentences[::2], sentences[1::2], strict=False):
            notes[f"{first} {second}"] = None
    return list(notes)[:count]


def _drain(results: Callable[[], Iterable[object]]) -> int:
    """Consume a fresh run's results (a generator per round)."""
    return sum(1 for _ in results())


def cpu_seconds(run: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.process_time() - cpu, time.perf_counter() - wall


def measure(name: str, notes: list[str], reference: Any, batch: int, rounds: int) -> None:
    """Print both pipelines' best CPU time on ``notes`` and their ratio."""
    from nervemap.nlp import extract, extract_many

    for note in notes[:50]:  # warm both (vocabulary, caches) on a few notes
        reference(note)
        extract(note)
    best: dict[str, tuple[float, float]] = {}
    runs: dict[str, Callable[[], Iterable[object]]] = {
        "medSpaCy": lambda: reference.pipe(notes, batch_size=batch),
        "nervemap": lambda: extract_many(notes, batch_size=batch),
        "nervemap one by one": lambda: map(extract, notes),
    }
    for _ in range(rounds):
        for label, run in runs.items():
            got = cpu_seconds(functools.partial(_drain, run))
            best[label] = min(best.get(label, got), got)
    chars = sum(len(n) for n in notes) / len(notes)
    print(f"\n{name}: {len(notes)} notes, {chars:.0f} characters on average, batch size {batch}")
    for label, (cpu, wall) in best.items():
        rate, wall_rate = len(notes) / cpu, len(notes) / wall
        print(f"  {label:<20} {rate:7.0f} notes per CPU-second ({wall_rate:.0f}/s wall clock)")
    ratio = best["medSpaCy"][0] / best["nervemap"][0]
    print(f"  ratio nervemap / medSpaCy default pipeline: {ratio:.2f}x (CPU time, same notes, one core)")


_INNER = "NERVEMAP_NLP_INSTRUCTIONS_INNER"
_WARM = 64


def _corpus(name: str, count: int) -> list[str]:
    return two_sentence_notes(count) if name == "two-sentence notes" else distinct_two_sentence_notes(count)


def count_inner(pipeline: str, corpus: str, count: int, batch: int) -> None:
    """Under callgrind: load and warm one pipeline, then count ``count`` notes only."""
    notes = _corpus(corpus, _WARM + count)
    warm, counted = notes[:_WARM], notes[_WARM:]
    if pipeline == "medSpaCy":
        import medspacy
        from loguru import logger

        logger.disable("PyRuSH")
        reference = medspacy.load()

        def run(texts: list[str]) -> int:
            return sum(1 for _ in reference.pipe(texts, batch_size=batch))
    else:
        from nervemap.nlp import extract_many

        def run(texts: list[str]) -> int:
            return sum(1 for _ in extract_many(texts, batch_size=batch))

    run(warm)
    pid = str(os.getpid())
    subprocess.run(["callgrind_control", "-i", "on", pid], check=True, capture_output=True)
    run(counted)
    subprocess.run(["callgrind_control", "-i", "off", pid], check=True, capture_output=True)
    print(len(counted))


def count_instructions(count: int, batch: int, command: str) -> None:
    """Instructions per note of both pipelines on both sets of two-sentence notes, and the ratio."""
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        sys.exit("valgrind (with callgrind_control) is needed: apt-get install valgrind")
    print(f"command: {command}")
    for corpus in ("two-sentence notes", "distinct two-sentence notes"):
        per_note: dict[str, float] = {}
        for pipeline in ("medSpaCy", "nervemap"):
            with tempfile.TemporaryDirectory(prefix="nervemap-callgrind-") as folder:
                out = Path(folder) / "callgrind.out"
                env = {**os.environ, _INNER: f"{pipeline}|{corpus}", "PYTHONHASHSEED": "0"}
                env.setdefault("OMP_NUM_THREADS", "1")
                valgrind = [
                    "valgrind",
                    "--tool=callgrind",
                    "--instr-atstart=no",
                    f"--callgrind-out-file={out}",
                ]
                inner = [sys.executable, __file__, "--instructions", str(count), "--batch-size", str(batch)]
                done = subprocess.run(
                    [*valgrind, *inner],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=True,
                )
                counted = int(done.stdout.split()[-1])
                totals = [line for line in out.read_text().splitlines() if line.startswith("totals:")]
                per_note[pipeline] = int(totals[0].split()[1]) / counted
        ratio = per_note["medSpaCy"] / per_note["nervemap"]
        print(
            f"{corpus}: {count} notes after {_WARM} to warm; medSpaCy {per_note['medSpaCy'] / 1e6:.2f}M, "
            f"nervemap {per_note['nervemap'] / 1e6:.2f}M instructions a note: {ratio:.2f}x (instructions)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds per pipeline (best kept)")
    parser.add_argument("--batch-size", type=int, default=64, help="nlp.pipe batch size, both pipelines")
    parser.add_argument("--short", type=int, default=1880, help="number of two-sentence notes")
    parser.add_argument(
        "--instructions", type=int, default=0, metavar="N", help="count instructions on N notes (callgrind)"
    )
    args = parser.parse_args()
    if os.environ.get(_INNER):
        pipeline, corpus = os.environ[_INNER].split("|")
        count_inner(pipeline, corpus, args.instructions, args.batch_size)
        return
    command = " ".join(
        shlex.quote(a) for a in [".venv/bin/python", "benchmarks/nlp_throughput.py", *sys.argv[1:]]
    )
    if args.instructions:
        count_instructions(args.instructions, args.batch_size, command)
        return
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core

    started = time.perf_counter()
    import medspacy
    from loguru import logger

    logger.disable("PyRuSH")
    reference = medspacy.load()
    reference_load = time.perf_counter() - started

    started = time.perf_counter()
    from nervemap.nlp import extract

    extract("45 y/o F with LBP radiating to the left lateral calf. SLR positive on the left.")
    nervemap_load = time.perf_counter() - started

    corpora = {
        "test notes": test_notes(),
        "two-sentence notes": two_sentence_notes(args.short),
        "distinct two-sentence notes": distinct_two_sentence_notes(args.short),
    }
    print(f"command: {command}")
    print(f"load: medSpaCy default pipeline {reference_load:.1f} s, nervemap reader {nervemap_load:.1f} s")
    print(f"pipelines: medSpaCy {' + '.join(reference.pipe_names)}; nervemap extract_many (whole extraction)")
    for name, notes in corpora.items():
        measure(name, notes, reference, args.batch_size, args.rounds)


if __name__ == "__main__":
    main()
