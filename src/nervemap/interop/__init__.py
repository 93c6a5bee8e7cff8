"""FHIR R4B and CDS Hooks: Questionnaires, FHIR input -> Case, Assessment -> FHIR, CDS cards."""

from nervemap.interop.errors import InteropError, Issue, operation_outcome
from nervemap.interop.from_bundle import case_from_bundle, case_from_resources
from nervemap.interop.from_response import Imported, case_from_response
from nervemap.interop.items import QuestionSet
from nervemap.interop.questionnaire import build_questionnaire, questionnaire_url
from nervemap.interop.to_bundle import assessment_to_bundle
from nervemap.interop.to_response import response_from_case

__all__ = [
    "Imported",
    "InteropError",
    "Issue",
    "QuestionSet",
    "assessment_to_bundle",
    "build_questionnaire",
    "case_from_bundle",
    "case_from_resources",
    "case_from_response",
    "operation_outcome",
    "questionnaire_url",
    "response_from_case",
]
