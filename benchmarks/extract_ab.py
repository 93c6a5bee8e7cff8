"""Same answers from the text reader in two trees: every note's extraction and assessment, byte for byte.

Run: .venv/bin/python benchmarks/extract_ab.py TREE_A TREE_B [--short 1880]
(TREE_A, TREE_B: two checkouts of nervemap, e.g. ``git archive HEAD | tar -x -C /tmp/before``.)

A speed change to the text path must not change what is read. Each tree, in its own process (its
``src`` first on the path, the working directory the tree itself), reads the same notes - every
note text of tests/golden/*.jsonl and tests/data/*.jsonl (golden, development, root-level,
mimic and hold-out sets), the benchmark's two-sentence notes (benchmarks/nlp_throughput.py: the 8
repeated texts and the distinct ones) - through ``extract_many`` (batches of 64) and through
``extract`` one note at a time, and assesses each extracted case (``assess``, full detail). The
JSON of each extraction and each assessment is hashed per note; the two trees' hashes are compared
and every note whose answer differs is named (its set and index, not its text). Exit status 1
when any differs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
INNER = "NERVEMAP_EXTRACT_AB_INNER"
COMMAND = ".venv/bin/python benchmarks/extract_ab.py TREE_A TREE_B"


def notes(short: int) -> dict[str, list[str]]:
    """The notes read, by set (the same in both trees: taken from this checkout)."""
    sys.path.insert(0, str(HERE))
    from nlp_throughput import distinct_two_sentence_notes, two_sentence_notes

    root = HERE.parent
    sets: dict[str, list[str]] = {}
    for path in sorted((root / "tests" / "golden").glob("*.jsonl")) + sorted(
        (root / "tests" / "data").glob("*.jsonl")
    ):
        texts: dict[str, None] = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            text = json.loads(line).get("text") if line.strip() else None
            if isinstance(text, str):
                texts[text] = None
        if texts:
            sets[f"{path.parent.name}/{path.name}"] = list(texts)
    sets["two-sentence notes (8 texts)"] = list(dict.fromkeys(two_sentence_notes(short)))
    sets["distinct two-sentence notes"] = distinct_two_sentence_notes(short)
    return sets


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def inner(short: int) -> None:
    """In one tree: per set, per note, the hashes of its extraction (batch and alone) and assessment."""
    from nervemap.engine.assess import assess
    from nervemap.nlp import extract, extract_many

    out: dict[str, list[list[str]]] = {}
    for name, texts in notes(short).items():
        rows = []
        for text, batched in zip(texts, extract_many(texts, batch_size=64), strict=True):
            alone = extract(text)
            rows.append(
                [
                    _digest(batched.model_dump_json()),
                    _digest(alone.model_dump_json()),
                    _digest(assess(batched.case).model_dump_json()),
                ]
            )
        out[name] = rows
    json.dump(out, sys.stdout)


def run(tree: Path, short: int) -> dict[str, list[list[str]]]:
    env = {**os.environ, INNER: "1", "PYTHONPATH": str(tree / "src"), "PYTHONHASHSEED": "0"}
    env.setdefault("OMP_NUM_THREADS", "1")
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--short", str(short)],
        env=env,
        cwd=tree,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, list[list[str]]] = json.loads(done.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("trees", nargs="*", type=Path, help="TREE_A TREE_B")
    parser.add_argument("--short", type=int, default=1880, help="number of two-sentence notes")
    args = parser.parse_args()
    if os.environ.get(INNER):
        inner(args.short)
        return
    if len(args.trees) != 2:
        parser.error("give two trees")
    first, second = (run(tree.resolve(), args.short) for tree in args.trees)
    print(f"command: {COMMAND}")
    differ = 0
    parts = ("extraction (batch)", "extraction (alone)", "assessment")
    for name, rows in first.items():
        other = second.get(name, [])
        changed = [
            f"{index} {part}"
            for index, (a, b) in enumerate(zip(rows, other, strict=False))
            for part, x, y in zip(parts, a, b, strict=True)
            if x != y
        ]
        if len(other) != len(rows):
            changed.append(f"{len(rows)} notes against {len(other)}")
        differ += len(changed)
        status = "identical" if not changed else f"{len(changed)} differ: {', '.join(changed[:10])}"
        print(f"  {name}: {len(rows)} notes, {status}")
    print("same answers" if not differ else f"{differ} answers differ")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
