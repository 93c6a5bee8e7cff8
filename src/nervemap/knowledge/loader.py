"""Read the knowledge files into a validated :class:`KnowledgeBase`.

Every problem in every file is collected before anything is raised, so an author sees the whole
list at once, each with the file, the key and the reason.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from nervemap.knowledge.models import (
    Anatomy,
    Condition,
    DiscCompression,
    Finding,
    Followup,
    KnowledgeBase,
    LocalisationModel,
    Movement,
    Nerve,
    PlanStep,
    Priors,
    Quantity,
    Reflex,
    Region,
    Root,
    Source,
    SpecialSite,
    Thresholds,
    Triage,
)

T = TypeVar("T")


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the knowledge base: where it is and why."""

    file: str
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.key}: {self.message}"


class KnowledgeError(Exception):
    """The knowledge base could not be loaded; ``problems`` lists every reason."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass
class LoadedKnowledge:
    """The validated knowledge base and the file each entry came from."""

    knowledge: KnowledgeBase
    origins: dict[str, str] = field(default_factory=dict)

    def origin(self, kind: str, identifier: str) -> str:
        return self.origins.get(f"{kind}:{identifier}", "?")


# anatomy file stem -> (shape of its content, kind of entry it defines)
ANATOMY_FILES: dict[str, tuple[Any, str]] = {
    "regions": (list[Region], "region"),
    "movements": (list[Movement], "movement"),
    "reflexes": (list[Reflex], "reflex"),
    "roots": (list[Root], "root"),
    "nerves": (list[Nerve], "nerve"),
    "discs": (list[DiscCompression], "disc"),
    "sites": (list[SpecialSite], "site"),
}


def default_data_root() -> Traversable:
    return resources.files("nervemap.knowledge") / "data"


def knowledge_version(root: Traversable | Path | None = None) -> str:
    """The version ``kb.yaml`` declares, read without loading the knowledge base ("unknown" if
    absent): for callers that only label work with it, such as the batch runner's driver."""
    entry = (root if root is not None else default_data_root()) / "kb.yaml"
    document = yaml.safe_load(entry.read_text(encoding="utf-8")) if entry.is_file() else None
    version = document.get("version") if isinstance(document, dict) else None
    return str(version) if version is not None else "unknown"


def _format_location(location: Iterable[int | str], document: Any) -> str:
    """Turn a pydantic error location into a readable key, naming list items by their id."""
    parts: list[str] = []
    node = document
    for step in location:
        if isinstance(step, int):
            item = node[step] if isinstance(node, list) and step < len(node) else None
            label = item.get("id") if isinstance(item, dict) else None
            parts.append(f"[{label}]" if label else f"[{step}]")
            node = item
        else:
            parts.append(f".{step}" if parts else str(step))
            node = node.get(step) if isinstance(node, dict) else None
    return "".join(parts) or "(top level)"


class _Reader:
    def __init__(self, root: Traversable | Path) -> None:
        self.root = root
        self.problems: list[Problem] = []
        self.origins: dict[str, str] = {}

    def name(self, entry: Traversable | Path) -> str:
        return str(entry).replace(str(self.root), "").lstrip("/\\") or str(entry)

    def read_yaml(self, entry: Traversable | Path) -> Any:
        try:
            text = entry.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            self.problems.append(Problem(self.name(entry), "(file)", f"cannot read: {error}"))
            return None
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f"line {mark.line + 1}" if mark is not None else "(file)"
            reason = getattr(error, "problem", None) or str(error)
            self.problems.append(Problem(self.name(entry), where, f"invalid YAML: {reason}"))
            return None

    def validate(self, entry: Traversable | Path, shape: Any, document: Any) -> Any:
        adapter: TypeAdapter[Any] = _adapter(shape)
        try:
            return adapter.validate_python(document)
        except ValidationError as error:
            for detail in error.errors():
                key = _format_location(detail["loc"], document)
                self.problems.append(Problem(self.name(entry), key, detail["msg"]))
            return None

    def load(self, entry: Traversable | Path, shape: Any) -> Any:
        document = self.read_yaml(entry)
        if document is None and not self.problems_for(entry):
            self.problems.append(Problem(self.name(entry), "(file)", "file is empty"))
            return None
        if document is None:
            return None
        return self.validate(entry, shape, document)

    def problems_for(self, entry: Traversable | Path) -> bool:
        return any(p.file == self.name(entry) for p in self.problems)

    def remember(self, kind: str, items: Iterable[BaseModel], entry: Traversable | Path) -> None:
        for item in items:
            identifier = getattr(item, "id", None) or getattr(item, "level", None)
            if identifier is None:
                continue
            if kind == "disc":
                identifier = f"{item.level}/{item.zone}"  # type: ignore[attr-defined]
            key = f"{kind}:{identifier}"
            if key in self.origins and kind != "source":
                self.problems.append(
                    Problem(
                        self.name(entry),
                        f"[{identifier}]",
                        f"duplicate {kind} id, also defined in {self.origins[key]}",
                    )
                )
            self.origins.setdefault(key, self.name(entry))


@functools.cache
def _adapter(shape: Any) -> TypeAdapter[Any]:
    return TypeAdapter(shape)


def _yaml_files(folder: Traversable | Path) -> list[Traversable | Path]:
    if not folder.is_dir():
        return []
    return sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith((".yaml", ".yml"))),
        key=lambda entry: entry.name,
    )


def _fold(text: str) -> str:
    """Compare titles without accents, case or punctuation (Devillé = Deville)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def _merge_sources(reader: _Reader, batches: list[tuple[str, list[Source]]]) -> list[Source]:
    """Each source is defined once, so its verification (primary / secondary / recalled) is recorded
    once; a second definition of an id is a problem, whether or not it describes the same work."""
    merged: dict[str, tuple[str, Source]] = {}
    for file, sources in batches:
        for source in sources:
            if source.id in merged:
                first_file, first = merged[source.id]
                same = (_fold(first.title), first.year) == (_fold(source.title), source.year)
                reason = (
                    f"source already defined in {first_file}: cite it by id instead of defining it again"
                    if same
                    else f"source id also used in {first_file} for a different work "
                    f"('{first.title}', {first.year})"
                )
                reader.problems.append(Problem(file, f"[{source.id}]", reason))
                continue
            merged[source.id] = (file, source)
    return [source for _, source in merged.values()]


def read_knowledge(
    root: Traversable | Path | None = None,
) -> tuple[LoadedKnowledge | None, list[Problem]]:
    """Load every knowledge file; return the knowledge base (if it validates) and all problems."""
    data = root if root is not None else default_data_root()
    reader = _Reader(data)

    version_document = reader.load(data / "kb.yaml", dict[str, str])
    version = (version_document or {}).get("version", "unknown")

    source_batches: list[tuple[str, list[Source]]] = []
    for entry in _yaml_files(data / "sources"):
        sources = reader.load(entry, list[Source])
        if sources is not None:
            reader.remember("source", sources, entry)
            source_batches.append((reader.name(entry), sources))
    sources_merged = _merge_sources(reader, source_batches)

    anatomy_parts: dict[str, Any] = {}
    for part, (shape, kind) in ANATOMY_FILES.items():
        entry = data / "anatomy" / f"{part}.yaml"
        if not entry.is_file():
            reader.problems.append(Problem(reader.name(entry), "(file)", "missing anatomy file"))
            continue
        items = reader.load(entry, shape)
        if items is not None:
            reader.remember(kind, items, entry)
            anatomy_parts[part] = items

    findings: list[Finding] = []
    for entry in _yaml_files(data / "findings"):
        items = reader.load(entry, list[Finding])
        if items is not None:
            reader.remember("finding", items, entry)
            findings.extend(items)

    conditions: list[Condition] = []
    for entry in _yaml_files(data / "conditions"):
        condition = reader.load(entry, Condition)
        if condition is not None:
            reader.remember("condition", [condition], entry)
            conditions.append(condition)

    plans: list[PlanStep] = []
    for entry in _yaml_files(data / "plans"):
        items = reader.load(entry, list[PlanStep])
        if items is not None:
            reader.remember("plan", items, entry)
            plans.extend(items)

    triage = reader.load(data / "triage.yaml", Triage)
    localisation = reader.load(data / "localisation.yaml", LocalisationModel)
    reference_ranges: list[Quantity] = []
    if (data / "reference_ranges.yaml").is_file():  # optional: small test knowledge bases omit it
        quantities = reader.load(data / "reference_ranges.yaml", list[Quantity])
        if quantities is not None:
            reader.remember("quantity", quantities, data / "reference_ranges.yaml")
            reference_ranges = quantities

    priors = None
    if (data / "priors.yaml").is_file():  # optional: small test knowledge bases omit it
        priors = reader.load(data / "priors.yaml", Priors)

    thresholds = None
    if (data / "thresholds.yaml").is_file():  # optional: small test knowledge bases omit it
        thresholds = reader.load(data / "thresholds.yaml", Thresholds)

    followup = None
    if (data / "followup.yaml").is_file():  # optional: small test knowledge bases omit it
        followup = reader.load(data / "followup.yaml", Followup)
        if followup is not None:
            reader.remember("followup-rule", followup.rules, data / "followup.yaml")
            reader.remember("followup-step", followup.steps, data / "followup.yaml")
            reader.remember("followup-measure", followup.measures, data / "followup.yaml")

    if reader.problems or triage is None or localisation is None:
        return None, sorted(reader.problems)
    knowledge = KnowledgeBase(
        version=version,
        sources=sources_merged,
        anatomy=Anatomy(**anatomy_parts),
        findings=findings,
        conditions=sorted(conditions, key=lambda c: c.id),
        triage=triage,
        plans=plans,
        localisation=localisation,
        reference_ranges=reference_ranges,
        priors=priors,
        thresholds=thresholds,
        followup=followup,
    )
    return LoadedKnowledge(knowledge, reader.origins), []


def load_knowledge(root: Traversable | Path | None = None) -> LoadedKnowledge:
    """Load and validate the knowledge files, raising :class:`KnowledgeError` with every problem."""
    loaded, problems = read_knowledge(root)
    if loaded is None:
        raise KnowledgeError(problems)
    return loaded


@functools.cache
def default_knowledge() -> LoadedKnowledge:
    """The packaged knowledge base, loaded once per process."""
    return load_knowledge()


def thresholds_of(knowledge: KnowledgeBase) -> Thresholds:
    """The knowledge base's clinical cut-points, or the packaged ones for a base without them."""
    if knowledge.thresholds is not None:
        return knowledge.thresholds
    packaged = default_knowledge().knowledge.thresholds
    if packaged is None:
        raise KnowledgeError(
            [Problem("thresholds.yaml", "(file)", "missing from the packaged knowledge base")]
        )
    return packaged


def followup_of(knowledge: KnowledgeBase) -> Followup:
    """The knowledge base's follow-up rules, or the packaged ones for a base without them."""
    if knowledge.followup is not None:
        return knowledge.followup
    packaged = default_knowledge().knowledge.followup
    if packaged is None:
        raise KnowledgeError([Problem("followup.yaml", "(file)", "missing from the packaged knowledge base")])
    return packaged
