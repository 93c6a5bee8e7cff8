"""The work folder next to the output: finished parts, written atomically, and their manifest.

``OUTPUT.parts/manifest.jsonl`` starts with a header naming the input and settings; one line is
appended (and flushed to disk) per finished partition. A rerun trusts a partition only when the
manifest lists it *and* its part files are there, so a crash at any point loses at most the
partitions in flight and never leaves a half-written part under its final name.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from nervemap.batch.formats import BatchError, OutputFormat

MANIFEST = "manifest.jsonl"
MANIFEST_KIND = "nervemap-batch"
MANIFEST_VERSION = 1


@dataclass(frozen=True)
class PartDone:
    """What a worker reports for one finished partition."""

    number: int
    records: int
    errors: int
    knowledge_version: str
    nervemap_version: str
    worker: str
    peak_rss_bytes: int
    seconds: float
    cpu_seconds: float


def atomic_write(path: Path, write: Callable[[Path], object]) -> None:
    """Write through ``write(temp)`` beside ``path``, flush it to disk, then rename it into place."""
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        write(temp)
        descriptor = os.open(temp, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def part_path(folder: Path, number: int, output: OutputFormat) -> Path:
    return folder / f"part-{number:06d}{output.part_suffix}"


def errors_part_path(folder: Path, number: int) -> Path:
    return folder / f"part-{number:06d}.errors.jsonl"


def work_folder(output: Path) -> Path:
    return output.with_name(output.name + ".parts")


class WorkFolder:
    """Opens (or starts) the work folder of one run and keeps its manifest."""

    def __init__(self, folder: Path, header: dict[str, Any], output: OutputFormat) -> None:
        self.folder = folder
        self.header = header
        self.output = output

    @classmethod
    def open(
        cls, output_path: Path, header: dict[str, Any], output: OutputFormat, *, restart: bool
    ) -> WorkFolder:
        folder = work_folder(output_path)
        full = {"kind": MANIFEST_KIND, "version": MANIFEST_VERSION, **header}
        if restart and folder.exists():
            shutil.rmtree(folder)
        manifest = folder / MANIFEST
        if manifest.is_file():
            _drop_torn_tail(manifest)
            found = _read_lines(manifest)
            if not found or found[0] != full:
                raise BatchError(
                    f"work folder '{folder}' belongs to another input or other settings "
                    f"(found {found[0] if found else 'no header'}); "
                    "rerun with the same input and partition size, or restart"
                )
        else:
            folder.mkdir(parents=True, exist_ok=True)
            atomic_write(manifest, lambda temp: temp.write_text(json.dumps(full) + "\n", encoding="utf-8"))
        return cls(folder, full, output)

    def finished(self) -> dict[int, PartDone]:
        """Partitions listed in the manifest whose part files are all present (latest entry wins)."""
        done: dict[int, PartDone] = {}
        for entry in _read_lines(self.folder / MANIFEST)[1:]:
            part = PartDone(**entry)
            if self.part(part.number).is_file() and self.errors_part(part.number).is_file():
                done[part.number] = part
        return done

    def record(self, part: PartDone) -> None:
        with open(self.folder / MANIFEST, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(asdict(part), sort_keys=True) + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    def part(self, number: int) -> Path:
        return part_path(self.folder, number, self.output)

    def errors_part(self, number: int) -> Path:
        return errors_part_path(self.folder, number)

    def remove(self) -> None:
        shutil.rmtree(self.folder)


def _drop_torn_tail(manifest: Path) -> None:
    """Cut an append that was interrupted mid-line, so the next append starts on a line of its own."""
    content = manifest.read_bytes()
    if content and not content.endswith(b"\n"):
        kept = content[: content.rfind(b"\n") + 1]
        atomic_write(manifest, lambda temp: temp.write_bytes(kept))


def _read_lines(manifest: Path) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    for position, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            entries.append(json.loads(line))
        except json.JSONDecodeError:
            raise BatchError(f"manifest '{manifest}' line {position} is not valid JSON") from None
    return entries
