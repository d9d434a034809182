"""JSON as `json.dump(value, indent=2)` writes it, twice as fast, and an array an item at a time.

The sarif and gitlab reports are indented JSON. With `indent`, the json module
writes through its pure-Python encoder, a chain of generators yielding a
piece per token: for a large project's report, longer than the analysis that
found the findings. `render` builds the same text from the same values with
string joins (C where it counts: `encode_basestring_ascii` for every string),
and `write_array` writes a report's items one by one, so no report is ever
whole in memory, as values or as text. The json module stays the reference:
the tests hold the two to the same bytes.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring_ascii as _string
from typing import Any, Iterable, TextIO


def render(value: Any, indent: str = "") -> str:
    """`json.dumps(value, indent=2)`, for a value nested at `indent` (its first line not indented)."""
    kind = type(value)
    if kind is str:
        return _string(value)
    if kind is dict:
        if not value:
            return "{}"
        inner = indent + "  "
        return ("{\n" + inner + (",\n" + inner).join([_string(key) + ": " + render(item, inner)
                                                      for key, item in value.items()])
                + "\n" + indent + "}")
    if kind is list:
        if not value:
            return "[]"
        inner = indent + "  "
        return "[\n" + inner + (",\n" + inner).join([render(item, inner) for item in value]) + "\n" + indent + "]"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if kind is int:
        return int.__repr__(value)
    return json.dumps(value, indent=2).replace("\n", "\n" + indent)  # anything rarer: as json says it


def write_array(out: TextIO, items: Iterable[Any], indent: str = "") -> None:
    """An array nested at `indent`, written an item at a time (each made as it is written)."""
    inner = indent + "  "
    opened = False
    for item in items:
        out.write((",\n" if opened else "[\n") + inner + render(item, inner))
        opened = True
    out.write("\n" + indent + "]" if opened else "[]")


# Stands where an array is written an item at a time: no other string of a report holds NUL.
PLACEHOLDER = "\x00items\x00"


def write_with_array(out: TextIO, frame: Any, items: Iterable[Any], depth: int) -> None:
    """`frame` as `render` writes it, its PLACEHOLDER (at `depth` levels of nesting) replaced by
    the array of `items`, written an item at a time."""
    head, tail = render(frame).split(_string(PLACEHOLDER), 1)
    out.write(head)
    write_array(out, items, "  " * depth)
    out.write(tail)
