"""A measured number in the result record: a float that may be missing.

A missing measure is NaN in memory (numpy's arithmetic carries it along) and null in JSON
(JSON has no NaN). Reading a record back turns null into NaN again, and the record's JSON
Schema says "a number or null", which is what the files hold.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema


def _null_is_nan(value: Any) -> Any:
    return math.nan if value is None else value


Measure = Annotated[
    float,
    BeforeValidator(_null_is_nan),
    WithJsonSchema({"anyOf": [{"type": "number"}, {"type": "null"}]}),
]
"""A float that is NaN when missing (null in JSON)."""
