"""The JSON Schema of the plan format, generated from the models."""

from __future__ import annotations

from typing import Any

from .model import PlanSpec

__all__ = ["SCHEMA_ID", "plan_json_schema"]

SCHEMA_ID = "https://beredskab.invalid/schema/plan.schema.json"


def plan_json_schema() -> dict[str, Any]:
    """Schema for one plan file (what editors and ``jsonschema`` check plans against)."""
    schema = PlanSpec.model_json_schema(by_alias=True)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "beredskab plan",
        **schema,
    }
