"""Parse raw JSON into R4B models, naming the resource and the place when it is not what is expected."""

from __future__ import annotations

from typing import Any, TypeVar

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.resource import Resource
from pydantic import ValidationError

from nervemap.interop.errors import InteropError, Issue, issues_from_validation

R = TypeVar("R", bound=Resource)


def resource_type_of(data: Any) -> str | None:
    if isinstance(data, dict):
        value = data.get("resourceType")
        return value if isinstance(value, str) else None
    return None


def describe(data: Any) -> str:
    kind = resource_type_of(data)
    if kind is None:
        return (
            "a JSON object without resourceType"
            if isinstance(data, dict)
            else f"a JSON {type(data).__name__}"
        )
    identifier = data.get("id") if isinstance(data, dict) else None
    return f"{kind}/{identifier}" if identifier else kind


def parse_as(data: Any, model: type[R], where: str | None = None) -> R:
    """Validate ``data`` as ``model``; a different resourceType is named in a 400 error."""
    expected = model.get_resource_type()
    where = where or expected
    if isinstance(data, model):
        return data
    if resource_type_of(data) != expected:
        raise InteropError(
            [Issue(where, f"expected a {expected} resource, got {describe(data)}", "structure")], 400
        )
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise InteropError(issues_from_validation(error, where), 400) from error


def parse_any(data: Any, where: str) -> Resource:
    """Validate a resource of any R4B type; an unknown resourceType is named."""
    kind = resource_type_of(data)
    if kind is None:
        raise InteropError(
            [Issue(where, f"expected a FHIR resource, got {describe(data)}", "structure")], 400
        )
    try:
        model = get_fhir_model_class(kind)
    except (KeyError, ValueError) as error:
        raise InteropError([Issue(where, f"unknown resourceType '{kind}'", "not-supported")], 400) from error
    return parse_as(data, model, where)  # type: ignore[type-var,return-value]
