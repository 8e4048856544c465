"""The JSON Schema: in sync with the models, accepts every shipped plan, rejects bad ones."""

from __future__ import annotations

import json
import subprocess
import sys

import jsonschema
import pytest

from beredskab.spec._yaml import load_document
from beredskab.spec.schema import plan_json_schema
from conftest import EXAMPLE_FILES, PLANS, REPO, SLUGS

SCHEMA_FILE = REPO / "schema" / "plan.schema.json"


def test_committed_schema_matches_the_models() -> None:
    committed = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert committed == plan_json_schema(), "run: beredskab schema > schema/plan.schema.json"


def test_schema_command_prints_the_schema() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "beredskab", "schema"], capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(out) == plan_json_schema()


@pytest.mark.parametrize("slug", SLUGS)
def test_schema_accepts_shipped_plan(slug: str) -> None:
    data = load_document(PLANS / f"{slug}.yaml").data
    jsonschema.Draft202012Validator(plan_json_schema()).validate(data)


@pytest.mark.parametrize("slug", SLUGS)
def test_plan_files_point_at_the_schema(slug: str) -> None:
    first = (PLANS / f"{slug}.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schema/plan.schema.json"


def test_schema_rejects_misspelt_kind() -> None:
    data = load_document(EXAMPLE_FILES / "valid" / "minimal.yaml").data
    data["actors"]["infohus"]["kind"] = "infohuse"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(plan_json_schema()).validate(data)


def test_schema_rejects_unknown_key() -> None:
    data = load_document(EXAMPLE_FILES / "valid" / "minimal.yaml").data
    data["actors"]["infohus"]["schedul"] = "x"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(plan_json_schema()).validate(data)
