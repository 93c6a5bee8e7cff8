"""JSON Schemas published for authors and integrators, generated from the pydantic models."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, TypeAdapter

from nervemap.engine.assessment import Assessment
from nervemap.engine.case import Case
from nervemap.followup.models import CourseSummary
from nervemap.knowledge import models

SCHEMAS: dict[str, Any] = {
    "case": Case,
    "assessment": Assessment,
    "knowledge-condition": models.Condition,
    "knowledge-findings": list[models.Finding],
    "knowledge-sources": list[models.Source],
    "knowledge-triage": models.Triage,
    "knowledge-plans": list[models.PlanStep],
    "knowledge-localisation": models.LocalisationModel,
    "knowledge-anatomy": models.Anatomy,
    "knowledge-reference-ranges": list[models.Quantity],
    "knowledge-priors": models.Priors,
    "knowledge-thresholds": models.Thresholds,
    "knowledge-followup": models.Followup,
    "followup-course": CourseSummary,
}


def schema(name: str) -> dict[str, Any]:
    shape = SCHEMAS[name]
    if isinstance(shape, type) and issubclass(shape, BaseModel):
        document = shape.model_json_schema(by_alias=True)
    else:
        document = TypeAdapter(shape).json_schema(by_alias=True)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"nervemap/{name}",
        **document,
    }


def render(name: str) -> str:
    return json.dumps(schema(name), indent=2, sort_keys=True) + "\n"
