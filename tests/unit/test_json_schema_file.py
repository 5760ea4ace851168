"""docs/json-schema/v1.json is a valid schema, docs/json.md describes each of its objects, and
every document kind the CLI prints has a definition."""

from __future__ import annotations

import json
import re
from pathlib import Path

from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "docs/json-schema/v1.json").read_text(encoding="utf-8"))
HELPERS = {"repo", "history-entry-fields"}  # shared parts, described in the rules and entries


def test_the_schema_is_valid_draft_2020_12() -> None:
    Draft202012Validator.check_schema(SCHEMA)


def test_every_document_kind_the_cli_prints_is_defined() -> None:
    source = "\n".join(p.read_text() for p in (ROOT / "src/hfsuite/cli").glob("*.py"))
    kinds = set(re.findall(r'document\(\s*"([a-z-]+)"', source))
    assert kinds, "no document kinds found"
    assert kinds <= set(SCHEMA["$defs"]), kinds - set(SCHEMA["$defs"])
    listed = {entry["$ref"].rsplit("/", 1)[1] for entry in SCHEMA["oneOf"]}
    assert kinds <= listed


def test_docs_json_md_has_a_section_per_object() -> None:
    text = (ROOT / "docs/json.md").read_text(encoding="utf-8")
    headings = set(re.findall(r"^### ([a-z-]+)$", text, flags=re.M))
    assert set(SCHEMA["$defs"]) - HELPERS <= headings, set(SCHEMA["$defs"]) - headings


def test_documents_are_told_apart_by_their_schema_field() -> None:
    validator = Draft202012Validator(SCHEMA)
    error = {
        "schema": "hfsuite/error/v1",
        "error": {"type": "UsageError", "message": "m", "hint": None, "exit_code": 2},
    }
    assert validator.is_valid(error)
    assert not validator.is_valid({**error, "schema": "hfsuite/error/v2"})
    assert not validator.is_valid({"schema": "hfsuite/stats/v1", "days": [], "total": {}})
