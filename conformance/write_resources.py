"""Write every FHIR resource and CDS Hooks response nervemap produces for the golden cases, for the
conformance validator (conformance/validate.mjs) to check.

    python conformance/write_resources.py OUT_DIR

OUT_DIR/fhir/*.json holds one FHIR resource per file (Bundles hold their entries), OUT_DIR/cds/*.json
one CDS Hooks discovery or service response per file. What is written:

- the committed golden FHIR inputs (tests/golden/fhir: the QuestionnaireResponse, the Observation
  Bundle, the Bundles and resources inside the two CDS Hooks requests);
- what the HTTP service answers, through its own routes: the CapabilityStatement, the $assess
  OperationDefinition, every CodeSystem and extension StructureDefinition, the three Questionnaires and
  the check-in Questionnaire, the output Bundle of $assess on the golden QuestionnaireResponse and
  Observation Bundle, a few OperationOutcomes (404, 400, 422);
- per golden case (tests/golden/cases.jsonl): its QuestionnaireResponse (the "all" set), its output
  Bundle, the output Bundle of $assess on that QuestionnaireResponse, and the CDS Hooks responses the
  services build from its assessment (patient-view; order-select with the golden lumbar MRI order);
- follow-up episode Bundles (the hand-made courses of tests/followup/courses.py);
- CDS Hooks: discovery, and the responses to the two golden requests.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # the episode courses live in the test package
    sys.path.insert(0, str(ROOT))

from fastapi import FastAPI  # noqa: E402
from fhir.resources.R4B.servicerequest import ServiceRequest  # noqa: E402

with warnings.catch_warnings():  # Starlette's httpx deprecation note at import time
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from tests.followup.courses import foot_drop_course, improving_course  # noqa: E402
from tests.interop.conftest import with_empty_store  # noqa: E402

from nervemap.engine.assess import assess  # noqa: E402
from nervemap.engine.case import Case  # noqa: E402
from nervemap.engine.compiled import default_compiled  # noqa: E402
from nervemap.interop.cds_cards import assessment_card, imaging_card  # noqa: E402
from nervemap.interop.cds_hooks import router as cds_router  # noqa: E402
from nervemap.interop.checkin_questionnaire import CHECKIN_QUESTIONNAIRE_ID  # noqa: E402
from nervemap.interop.codesystems import SYSTEMS  # noqa: E402
from nervemap.interop.definitions import EXTENSIONS  # noqa: E402
from nervemap.interop.episode_bundle import episode_to_bundle  # noqa: E402
from nervemap.interop.errors import InteropError  # noqa: E402
from nervemap.interop.fhir_api import metadata_router  # noqa: E402
from nervemap.interop.fhir_api import router as fhir_router  # noqa: E402
from nervemap.interop.imaging import ImagingOrder, imaging_orders  # noqa: E402
from nervemap.interop.items import QuestionSet  # noqa: E402
from nervemap.interop.questionnaire import questionnaire_id  # noqa: E402
from nervemap.interop.to_bundle import assessment_to_bundle  # noqa: E402
from nervemap.interop.to_response import response_from_case  # noqa: E402
from nervemap.knowledge import default_knowledge  # noqa: E402

GOLDEN_FHIR = ROOT / "tests" / "golden" / "fhir"
GOLDEN_CASES = ROOT / "tests" / "golden" / "cases.jsonl"
FHIR_JSON = {"content-type": "application/fhir+json"}


def _client(folder: Path) -> TestClient:
    """The interop routers on an empty database of their own, as the interop tests mount them."""
    app = FastAPI()
    app.state.knowledge = default_compiled()  # what create_app keeps; the routers read it from there
    app.include_router(cds_router)
    app.include_router(fhir_router)
    app.include_router(metadata_router)
    return TestClient(with_empty_store(app, folder))


def _name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")


class Writer:
    def __init__(self, out: Path) -> None:
        self.fhir = out / "fhir"
        self.cds = out / "cds"
        self.fhir.mkdir(parents=True, exist_ok=True)
        self.cds.mkdir(parents=True, exist_ok=True)
        self.counts = {"fhir": 0, "cds": 0}
        self.skipped: list[str] = []

    def _write(self, folder: Path, name: str, document: Any) -> None:
        path = folder / f"{_name(name)}.json"
        if path.exists():
            raise ValueError(f"two documents named {path.name}")
        path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    def resource(self, name: str, resource: Any) -> None:
        if not isinstance(resource, dict) or "resourceType" not in resource:
            raise ValueError(f"{name} is not a FHIR resource: {str(resource)[:200]}")
        self._write(self.fhir, name, resource)
        self.counts["fhir"] += 1

    def cds_response(self, name: str, response: Any) -> None:
        self._write(self.cds, name, response)
        self.counts["cds"] += 1
        for i, card in enumerate(response.get("cards", [])):  # the FHIR resources cards carry
            for j, suggestion in enumerate(card.get("suggestions", [])):
                for k, action in enumerate(suggestion.get("actions", [])):
                    if isinstance(action.get("resource"), dict):
                        self.resource(f"{name}.card{i}.suggestion{j}.action{k}", action["resource"])


def _ok(response: Any, what: str) -> Any:
    if response.status_code != 200:
        raise RuntimeError(f"{what}: HTTP {response.status_code} {response.text[:300]}")
    return response.json()


def _golden_inputs(writer: Writer) -> None:
    for path in sorted(GOLDEN_FHIR.glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        if "resourceType" in document:
            writer.resource(f"golden.{path.stem}", document)
            continue
        # a CDS Hooks request: the FHIR resources in its context and prefetch
        for key, value in document.get("context", {}).items():
            if isinstance(value, dict) and "resourceType" in value:
                writer.resource(f"golden.{path.stem}.context.{key}", value)
        for key, value in (document.get("prefetch") or {}).items():
            if isinstance(value, dict):
                writer.resource(f"golden.{path.stem}.prefetch.{key}", value)


def _service(writer: Writer, client: TestClient) -> None:
    writer.resource("CapabilityStatement", _ok(client.get("/v1/fhir/metadata"), "metadata"))
    writer.resource(
        "OperationDefinition.assess",
        _ok(client.get("/v1/fhir/OperationDefinition/assess"), "OperationDefinition"),
    )
    for system_id in SYSTEMS:
        writer.resource(
            f"CodeSystem.{system_id}", _ok(client.get(f"/v1/fhir/CodeSystem/{system_id}"), system_id)
        )
    for spec in EXTENSIONS:
        writer.resource(
            f"StructureDefinition.{spec.id}",
            _ok(client.get(f"/v1/fhir/StructureDefinition/{spec.id}"), spec.id),
        )
    for question_set in QuestionSet:
        ident = questionnaire_id(question_set)
        writer.resource(f"Questionnaire.{ident}", _ok(client.get(f"/v1/fhir/Questionnaire/{ident}"), ident))
    writer.resource(
        "Questionnaire.checkin",
        _ok(client.get(f"/v1/fhir/Questionnaire/{CHECKIN_QUESTIONNAIRE_ID}"), "check-in Questionnaire"),
    )
    for golden_input, operation in (
        ("questionnaire-response-l5-left", "QuestionnaireResponse"),
        ("observations-ces", "Bundle"),
    ):
        payload = json.loads((GOLDEN_FHIR / f"{golden_input}.json").read_text(encoding="utf-8"))
        answer = client.post(f"/v1/fhir/{operation}/$assess", json=payload, headers=FHIR_JSON)
        writer.resource(f"assess.golden.{golden_input}", _ok(answer, golden_input))
    # OperationOutcomes: unknown Questionnaire (404), wrong resource (400), nothing assessable (422)
    writer.resource("OperationOutcome.404", client.get("/v1/fhir/Questionnaire/phq-9").json())
    wrong = client.post("/v1/fhir/Bundle/$assess", json={"resourceType": "Patient"}, headers=FHIR_JSON)
    writer.resource("OperationOutcome.400", wrong.json())
    empty = {"resourceType": "Bundle", "type": "collection", "entry": []}
    writer.resource(
        "OperationOutcome.422",
        client.post("/v1/fhir/Bundle/$assess", json=empty, headers=FHIR_JSON).json(),
    )


def _cds(writer: Writer, client: TestClient) -> None:
    writer.cds_response("discovery", _ok(client.get("/cds-services"), "CDS discovery"))
    requests = {
        "cds-patient-view-ces": "nervemap-leg-pain",
        "cds-order-select-sciatica": "nervemap-lumbar-imaging-select",
    }
    for name, service in requests.items():
        payload = json.loads((GOLDEN_FHIR / f"{name}.json").read_text(encoding="utf-8"))
        writer.cds_response(
            f"golden.{name}", _ok(client.post(f"/cds-services/{service}", json=payload), name)
        )
        if service.endswith("-select"):  # the same orders at signing
            signed = {**payload, "hook": "order-sign"}
            answer = client.post("/cds-services/nervemap-lumbar-imaging-sign", json=signed)
            writer.cds_response(f"golden.{name}.sign", _ok(answer, f"{name} (sign)"))


def _lumbar_mri_orders() -> list[ImagingOrder]:
    """The draft lumbar MRI order of the golden order-select request, as the imaging card reads it."""
    payload = json.loads((GOLDEN_FHIR / "cds-order-select-sciatica.json").read_text(encoding="utf-8"))
    drafts = [
        (ServiceRequest.model_validate(entry["resource"]), f"ServiceRequest/{entry['resource']['id']}")
        for entry in payload["context"]["draftOrders"]["entry"]
    ]
    return imaging_orders(drafts, payload["context"]["selections"])


def _golden_cases(writer: Writer, client: TestClient) -> None:
    kb = default_knowledge().knowledge
    orders = _lumbar_mri_orders()
    for line in GOLDEN_CASES.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        case = Case.model_validate(json.loads(line)["case"])
        name = case.id or "case"
        assessment = assess(case)
        bundle = assessment_to_bundle(assessment).model_dump(mode="json", exclude_none=True)
        writer.resource(f"case.{name}.bundle", bundle)
        # the cards the CDS services build from this assessment (patient-view; order-select with a
        # lumbar MRI ordered), JSON-encoded as the service answers them
        patient = _name(name)[:64]
        cards = [assessment_card(kb, assessment, patient)]
        cards_with_order = [assessment_card(kb, assessment, patient, imaging_ordered=True)]
        warning = imaging_card(kb, assessment, orders)
        cards_with_order += [warning] if warning is not None else []
        writer.cds_response(f"case.{name}.patient-view", json.loads(json.dumps({"cards": cards})))
        writer.cds_response(f"case.{name}.order-select", json.loads(json.dumps({"cards": cards_with_order})))
        try:
            response = response_from_case(case).model_dump(mode="json", exclude_none=True)
        except InteropError as error:  # the export refuses what a Questionnaire cannot carry
            writer.skipped.append(f"case {name}: no QuestionnaireResponse ({error})")
            continue
        writer.resource(f"case.{name}.response", response)
        answer = client.post("/v1/fhir/QuestionnaireResponse/$assess", json=response, headers=FHIR_JSON)
        writer.resource(f"case.{name}.assess", _ok(answer, f"{name} $assess"))


def _episodes(writer: Writer) -> None:
    for name, course in (("foot-drop", foot_drop_course()), ("improving", improving_course())):
        bundle = episode_to_bundle(course, episode_id=f"conformance-{name}")
        writer.resource(f"episode.{name}", bundle.model_dump(mode="json", exclude_none=True))


def write_all(out: Path) -> Writer:
    writer = Writer(out)
    with tempfile.TemporaryDirectory(prefix="nervemap-conformance-") as folder:
        client = _client(Path(folder))
        _golden_inputs(writer)
        _service(writer, client)
        _cds(writer, client)
        _golden_cases(writer, client)
        _episodes(writer)
    return writer


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: write_resources.py OUT_DIR", file=sys.stderr)
        return 2
    writer = write_all(Path(argv[1]))
    for reason in writer.skipped:
        print(f"not written: {reason}")
    counts = writer.counts
    print(f"wrote {counts['fhir']} FHIR resources and {counts['cds']} CDS Hooks responses to {argv[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
