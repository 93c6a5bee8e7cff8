"""`nervemap extract` lists each measured value and the finding it decides, with its words."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from nervemap.cli import app

runner = CliRunner()
NOTE = "68 year old man, back pain. Hb 8.9, Ca 3.1 mmol/L, BP 82/50. CK normal last year."


def test_extract_json_lists_values_findings_and_spans() -> None:
    result = runner.invoke(app, ["extract", "-", "--format", "json"], input=NOTE)
    assert result.exit_code == 0, result.output
    output = json.loads(result.output)
    items = {(i["kind"], i["value"].split(" ")[0]): i for i in output["items"]}
    for kind, value, words in [
        ("measurement", "haemoglobin", "Hb 8.9"),
        ("finding", "haemoglobin_low", "Hb 8.9"),
        ("measurement", "calcium", "Ca 3.1 mmol/L"),
        ("finding", "calcium_raised", "Ca 3.1 mmol/L"),
        ("measurement", "systolic_bp", "BP 82/50"),
        ("finding", "systolic_bp_below_90", "BP 82/50"),
    ]:
        item = items[(kind, value)]
        assert item["text"] == words and NOTE[item["start"] : item["end"]] == words
        assert item["status"] == "present"
    past = items[("finding", "creatine_kinase_raised")]
    assert past["status"] == "not asserted" and past["flags"] == ["historical"]
    case = output["case"]
    assert {"quantity": "haemoglobin", "value": 8.9, "unit": "g/dL"} in case["measurements"]
    assert {f["id"] for f in case["findings"]} >= {
        "haemoglobin_low",
        "calcium_raised",
        "systolic_bp_below_90",
    }
    assert "creatine_kinase_raised" not in {f["id"] for f in case["findings"]}


def test_extract_table_shows_the_converted_value() -> None:
    result = runner.invoke(app, ["extract", "-"], input="Hb 8.9")
    assert result.exit_code == 0, result.output
    assert "measurement" in result.output and "89 g/L" in result.output
