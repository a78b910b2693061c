"""One-line, plain-word messages from pydantic's validation errors.

Settings files, the program library and result records read back are all validated by
pydantic types; this turns the first thing wrong into one line that names the place in the
user's own terms (`setting [filter] butterworth_order`, `record.findings[0].side`), so a
loader never shows a traceback or pydantic's multi-line report.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import ValidationError

Location = tuple[int | str, ...]

EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "tuple_type": "a list",
    "dict_type": "an object",
    "model_type": "an object",
    "dataclass_type": "an object",
    "dataclass_exact_type": "an object",
}
"""What each of pydantic's type errors expected, in plain words."""

_UNKNOWN_KEY = {"extra_forbidden", "unexpected_keyword_argument"}


def show(value: Any, limit: int = 40) -> str:
    """A user-supplied key or value as short one-line text, for an error message."""
    text = value if isinstance(value, str) and value.isprintable() else repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def kind_of(value: Any) -> str:
    """What a value is, in the words of the file formats we read (TOML and JSON)."""
    if value is None:
        return "null"
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "an object",
    }.get(type(value), type(value).__name__)


def first_error(
    exc: ValidationError,
    where: Callable[[Location], str],
    expected: Mapping[str, str] | None = None,
) -> str:
    """The first thing wrong, as one line: `<where> must be a number, not text 'high'`.

    `where` names a location (an empty one names the whole document); `expected` replaces
    some of the plain words (a TOML file says "a table" where JSON says "an object").
    """
    words = {**EXPECTED, **(expected or {})}
    error = exc.errors()[0]
    loc, kind, given = tuple(error["loc"]), error["type"], error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        text = f"{where(loc[:-1])} has no {show(repr(loc[-1]))}"
    elif kind in _UNKNOWN_KEY:
        text = f"{where(loc[:-1])} has unknown key {show(repr(loc[-1]))}"
    elif kind == "float_type" and isinstance(given, int) and not isinstance(given, bool):
        text = f"{where(loc)} must be a finite number, got {show(given)}"  # too big for a float
    elif kind == "finite_number":
        text = f"{where(loc)} must be a finite number, got {show(given)}"
    elif kind in words:
        text = f"{where(loc)} must be {words[kind]}, not {kind_of(given)}"
        if isinstance(given, int | float | str) and not isinstance(given, bool):
            text += f" {show(given)}"
    elif kind in ("greater_than_equal", "greater_than"):
        text = f"{where(loc)} = {show(given)} must be at least {ctx.get('ge', ctx.get('gt'))}"
    elif kind in ("less_than_equal", "less_than"):
        text = f"{where(loc)} = {show(given)} must be at most {ctx.get('le', ctx.get('lt'))}"
    elif kind in ("literal_error", "enum"):
        message = str(error["msg"]).replace("Input should be", "must be")
        text = f"{where(loc)}: {message}, not {show(repr(given))}"
    elif kind == "string_too_short":
        text = f"{where(loc)} must not be empty"
    else:
        message = str(error["msg"]).removeprefix("Value error, ")
        message = message.replace("Input should be", "must be")
        text = f"{where(loc)} {message}" if loc else f"{where(loc)}: {message}"
    return " ".join(text.split())
