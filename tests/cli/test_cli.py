"""The command line as a user meets it: outputs, exit codes and error messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nervemap.cli import app

runner = CliRunner()
EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "nervemap" / "examples"
CONTRACT_KEYS = {
    "source",
    "localization",
    "differential",
    "triage",
    "severity",
    "plan",
    "knowledge_version",
    "nervemap_version",
}


def test_kb_check_passes_on_the_packaged_knowledge() -> None:
    result = runner.invoke(app, ["kb", "check"])
    assert result.exit_code == 0, result.output
    assert "consistent" in result.output


def test_kb_check_fails_on_a_broken_knowledge_folder(tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "kb"
    shutil.copytree(Path(__file__).resolve().parents[1] / "fixtures" / "kb_small", folder)
    (folder / "conditions" / "strain.yaml").write_text("id: strain\nname: [unclosed\n")
    result = runner.invoke(app, ["kb", "check", "--data", str(folder)])
    assert result.exit_code == 1
    assert "conditions/strain.yaml" in result.output and "invalid YAML" in result.output
    assert "Traceback" not in result.output


def test_kb_stats_json_reports_the_required_counts() -> None:
    result = runner.invoke(app, ["kb", "stats", "--json"])
    stats = json.loads(result.stdout)
    assert stats["findings"] >= 100 and stats["conditions"] >= 30
    assert {"L1", "L2", "L3", "L4", "L5", "S1", "S2", "S3"} <= set(stats["roots"])
    assert 0.0 <= stats["cited_share"] <= 1.0 and stats["numbers"] > 0


def test_kb_show_and_codes_and_params() -> None:
    shown = json.loads(runner.invoke(app, ["kb", "show", "lumbar_disc_herniation"]).stdout)
    assert shown["kind"] == "condition" and "M51.16" in shown["icd10"]
    codes = json.loads(runner.invoke(app, ["kb", "codes", "--json"]).stdout)
    assert {"system": "ICD-10-CM", "code": "G83.4", "used_by": "cauda_equina_syndrome"} in codes
    params = json.loads(runner.invoke(app, ["kb", "params", "--json"]).stdout)
    assert all(p["source"] for p in params)
    missing = runner.invoke(app, ["kb", "show", "no_such_thing"])
    assert missing.exit_code == 2 and "no_such_thing" in missing.output


def test_assess_prints_the_output_contract() -> None:
    result = runner.invoke(app, ["assess", str(EXAMPLES / "l5-left-disc.json"), "--format", "json"])
    assert result.exit_code == 0, result.output
    output = json.loads(result.stdout)
    assert set(output) >= CONTRACT_KEYS
    top = output["localization"][0]
    assert (top["site"], top["root"], top["side"]) == ("root", "L5", "left")
    assert output["differential"][0]["id"] == "lumbar_disc_herniation"
    assert set(output["differential"][0]["evidence"]) == {"for", "against"}
    assert output["triage"]["level"] in ("routine", "soon")


def test_assess_reads_stdin_and_renders_text() -> None:
    case = (EXAMPLES / "cauda-equina.json").read_text()
    result = runner.invoke(app, ["assess", "-"], input=case)
    assert result.exit_code == 0, result.output
    assert "EMERGENCY" in result.output


def test_the_text_view_warns_when_imaging_disagrees_with_the_clinical_level() -> None:
    from tests.engine.cases import S1_WITH_L3_L4_DISC

    case = S1_WITH_L3_L4_DISC
    result = runner.invoke(app, ["assess", "-"], input=json.dumps(case))
    assert result.exit_code == 0, result.output
    assert "Imaging discordant" in result.output


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ({"findings": [{"id": "no_such_finding"}]}, "findings[0].id: unknown finding 'no_such_finding'"),
        ({"strength": [{"movement": "ankle_dorsiflexion", "side": "left", "grade": 7}]}, "strength.0.grade"),
        ({"age": -3}, "age"),
        (
            {"findings": [{"id": "fever"}, {"id": "fever", "status": "absent"}]},
            "'fever' is given both present and absent",
        ),
        ({"reflexes": [{"reflex": "achilles", "side": "middle", "grade": 1}]}, "reflexes.0.side"),
        ({"pain_map": [{"region": "elbow", "side": "left"}]}, "unknown body-map region 'elbow'"),
        ({"pain_map": [{"region": "saddle", "side": "left"}]}, "midline region"),
        ({"sensation": [{"region": "calf", "side": "up", "status": "reduced"}]}, "sensation.0.side"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_case_gets_a_clear_error_naming_the_field(
    case: dict[str, object], expected: str, tmp_path: Path
) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case))
    result = runner.invoke(app, ["assess", str(path)])
    assert result.exit_code == 2
    assert expected in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("content", "expected"),
    [("{not json", "not valid JSON"), ("[1, 2]", "expected a JSON object"), (b"\xff\xfe\x00", "not UTF-8")],
)
def test_unreadable_input_is_refused_clearly(content: str | bytes, expected: str, tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    result = runner.invoke(app, ["assess", str(path)])
    assert result.exit_code == 2 and expected in result.output


def test_missing_file_is_named() -> None:
    result = runner.invoke(app, ["assess", "does-not-exist.json"])
    assert result.exit_code == 2 and "does-not-exist.json" in result.output


@pytest.mark.parametrize("command", ["extract", "assess"])
def test_text_given_instead_of_a_file_path_is_refused_clearly(command: str) -> None:
    note = "A 45-year-old man with left leg pain below the knee and weak great toe extension. " * 10
    result = runner.invoke(app, [command, note])
    assert result.exit_code == 2 and "not found (give a file path, or - to read stdin)" in result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, OSError)


def test_clinically_possible_contradiction_is_accepted_and_flagged(tmp_path: Path) -> None:
    case = {
        "pain_map": [{"region": "foot_dorsum", "side": "left", "kind": "numbness"}],
        "sensation": [{"region": "foot_dorsum", "side": "left", "status": "normal"}],
    }
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case))
    result = runner.invoke(app, ["assess", str(path), "--format", "json"])
    assert result.exit_code == 0
    assert any("numbness reported" in note for note in json.loads(result.stdout)["notes"])


def test_demo_runs() -> None:
    result = runner.invoke(app, ["demo", "--format", "json"])
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == 3


def test_assess_fhir_bundle_and_fhir_output() -> None:
    golden = Path(__file__).resolve().parents[1] / "golden" / "fhir"
    result = runner.invoke(app, ["assess", "--fhir", str(golden / "observations-ces.json"), "-f", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["triage"]["level"] == "emergency"
    bundle = runner.invoke(app, ["assess", str(EXAMPLES / "l5-left-disc.json"), "--format", "fhir"])
    assert json.loads(bundle.stdout)["resourceType"] == "Bundle"


def test_assess_text_note_prints_the_contract_with_the_extracted_findings(tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_text(
        "45 y/o M with low back pain radiating down the back of the left leg to the lateral foot. "
        "SLR positive on the left at 40 degrees. Absent left Achilles reflex. "
        "Denies bowel or bladder dysfunction. No saddle anesthesia."
    )
    result = runner.invoke(app, ["assess", "--text", str(note), "-f", "json"])
    assert result.exit_code == 0, result.output
    output = json.loads(result.stdout)
    assert set(output) >= CONTRACT_KEYS
    assert output["differential"][0]["id"] == "lumbar_disc_herniation"
    assert (output["localization"][0]["root"], output["localization"][0]["side"]) == ("S1", "left")
    assert any(item["value"].startswith("slr_positive") for item in output["extracted"])


@pytest.mark.parametrize("content", [b"", b"\x00\x01binary", "Der Patient hat Rückenschmerzen.".encode()])
def test_notes_with_nothing_to_reason_on_never_give_a_confident_answer(
    content: bytes, tmp_path: Path
) -> None:
    note = tmp_path / "note.txt"
    note.write_bytes(content)
    result = runner.invoke(app, ["assess", "--text", str(note), "-f", "json"])
    if b"\x00" in content:
        assert result.exit_code == 2 and "binary" in result.output
        return
    assert result.exit_code == 0, result.output
    output = json.loads(result.stdout)
    assert output["enough_information"] is False
    assert output["extraction_warnings"]
