"""Reading ``--json`` output in tests: parse it and validate it against docs/json-schema/v1.json.

Every end-to-end test that reads a command's JSON goes through :func:`document` or
:func:`json_lines`, so the published schema is checked wherever the output is used.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "json-schema" / "v1.json"
SCHEMA: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
_WHOLE = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _validator(kind: str) -> Draft202012Validator:
    assert kind in SCHEMA["$defs"], f"docs/json-schema/v1.json has no definition {kind!r}"
    return Draft202012Validator(
        {"$defs": SCHEMA["$defs"], "$ref": f"#/$defs/{kind}"},
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def check(data: Any, kind: str) -> Any:
    """Validate one parsed document (or stream line) as ``kind``; return it."""
    assert isinstance(data, dict) and data.get("schema") == f"hfsuite/{kind}/v1", data
    _validator(kind).validate(data)
    _WHOLE.validate(data)  # and it is one of the documents the schema lists
    return data


def document(stdout: str, kind: str) -> dict[str, Any]:
    """A command's whole stdout as one JSON document of ``kind``, validated."""
    result: dict[str, Any] = check(json.loads(stdout), kind)
    return result


def json_lines(stdout: str, kind: str) -> list[dict[str, Any]]:
    """A JSON-lines stream, every line validated as ``kind`` (an error document ends it)."""
    lines = [json.loads(line) for line in stdout.splitlines() if line.strip()]
    for i, line in enumerate(lines):
        if i == len(lines) - 1 and line.get("schema") == "hfsuite/error/v1":
            check(line, "error")
        else:
            check(line, kind)
    return lines
