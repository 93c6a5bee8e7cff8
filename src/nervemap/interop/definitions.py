"""StructureDefinitions of nervemap's own extensions, so that a receiver can resolve their URLs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fhir.resources.R4B.structuredefinition import StructureDefinition

from nervemap import __version__
from nervemap.interop import terminology as t


@dataclass(frozen=True)
class ExtensionSpec:
    url: str
    title: str
    description: str
    value_type: str
    contexts: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.url.rsplit("/", 1)[1]


EXTENSIONS = (
    ExtensionSpec(
        t.LATERALITY_EXTENSION,
        "Laterality",
        "The side of the body site it is on, as a SNOMED CT laterality qualifier (left 7771000, right "
        "24028007, right and left 51440002).",
        "CodeableConcept",
        ("CodeableConcept",),
    ),
    ExtensionSpec(
        t.KNOWLEDGE_VERSION_EXTENSION,
        "nervemap knowledge-base version",
        "The version of the knowledge base the assessment was computed with.",
        "string",
        ("ClinicalImpression",),
    ),
    ExtensionSpec(
        t.NERVEMAP_VERSION_EXTENSION,
        "nervemap software version",
        "The version of the nervemap software that computed the assessment.",
        "string",
        ("ClinicalImpression",),
    ),
)
BY_ID = {spec.id: spec for spec in EXTENSIONS}


def extension_definition(spec: ExtensionSpec) -> dict[str, Any]:
    """A simple extension's StructureDefinition (R4B), validated by its model."""
    elements = [
        {
            "id": "Extension",
            "path": "Extension",
            "short": spec.title,
            "definition": spec.description,
            "max": "1",
        },
        {"id": "Extension.extension", "path": "Extension.extension", "max": "0"},
        {"id": "Extension.url", "path": "Extension.url", "fixedUri": spec.url},
        {
            "id": "Extension.value[x]",
            "path": "Extension.value[x]",
            "min": 1,
            "type": [{"code": spec.value_type}],
        },
    ]
    definition = {
        "resourceType": "StructureDefinition",
        "id": spec.id,
        "url": spec.url,
        "version": __version__,
        "name": "".join(part.capitalize() for part in spec.id.split("-")),
        "title": spec.title,
        "status": "active",
        "publisher": "nervemap",
        "description": spec.description,
        "fhirVersion": t.FHIR_VERSION,
        "kind": "complex-type",
        "abstract": False,
        "context": [{"type": "element", "expression": context} for context in spec.contexts],
        "type": "Extension",
        "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Extension",
        "derivation": "constraint",
        "differential": {"element": elements},
    }
    return StructureDefinition.model_validate(definition).model_dump(mode="json", exclude_none=True)
