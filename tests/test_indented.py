"""The sarif and gitlab reports' JSON writer: the json module's `indent=2` text, byte for byte."""

from __future__ import annotations

import io
import json

import pytest

from termshift.formats import indented

VALUES = [
    {},
    [],
    "",
    "plain",
    'quote " backslash \\ slash / tab \t newline \n nul \x00 bell \x07',
    "unicode é ✓ 𝔘 and a lone surrogate \ud800",
    0,
    -7,
    2**70,
    1.5,
    -0.0,
    1e300,
    True,
    False,
    None,
    {"a": [], "b": {}, "c": [{}], "d": [[]], "e": {"f": {"g": [1, "two", None, False, 3.25]}}},
    [1, [2, [3, [4, {"deep": "er"}]]], {"": ""}],
    {"key with \"quotes\"": "value", "ключ": "значение", "\n": ["\t"]},
]


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_render_is_json_with_indent_2(value) -> None:
    assert indented.render(value) == json.dumps(value, indent=2)


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_a_value_nested_in_an_array_renders_as_in_it(value) -> None:
    out = io.StringIO()
    indented.write_array(out, iter([value, {"after": [value]}]), "    ")
    whole = json.dumps({"x": {"y": [value, {"after": [value]}]}}, indent=2)
    assert whole.endswith(out.getvalue() + "\n  }\n}")


def test_an_empty_array_and_a_frame_filled_item_by_item() -> None:
    out = io.StringIO()
    indented.write_array(out, iter(()))
    assert out.getvalue() == "[]"
    items = [{"n": number, "s": "x" * number} for number in range(3)]
    for given in (items, []):
        out = io.StringIO()
        frame = {"top": 1, "runs": [{"tool": "t", "results": indented.PLACEHOLDER, "after": {"k": []}}]}
        indented.write_with_array(out, frame, iter(given), 3)
        expected = {"top": 1, "runs": [{"tool": "t", "results": given, "after": {"k": []}}]}
        assert out.getvalue() == json.dumps(expected, indent=2)
