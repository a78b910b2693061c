#!/usr/bin/env python3
"""Write docs/record.schema.json, the JSON Schema of the result record, from the record's
types (`screening.io.record`). Run it after changing a record field; a test fails until
the published schema matches the code.

    python tools/write_record_schema.py
"""

from __future__ import annotations

import json
from pathlib import Path

from screening.io.record import record_schema

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "docs" / "record.schema.json"


def schema_text() -> str:
    """The schema as it is published: indented, keys in the code's order, one final newline."""
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "record.schema.json",
        **record_schema(),
    }
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    SCHEMA_FILE.write_text(schema_text(), encoding="utf-8")
    print(f"wrote {SCHEMA_FILE}")
