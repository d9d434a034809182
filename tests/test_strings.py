"""String literals as source text: where a string body ends."""

from __future__ import annotations

import pytest

from termshift.strings import Region, regions


@pytest.mark.parametrize("source, bodies", [
    ('"job"', ["job"]),
    (r'"a \" job"', [r'a \" job']),
    (r"'it\\' 'job'", [r"it\\", "job"]),
    ('"""one " two "" three"""', ['one " two "" three']),
    (r'"""ends with \""""', [r'ends with \"']),
    ('b"job" r"\\d+"', ["job", "\\d+"]),
    ('("job"  # a comment "quoted"\n "_id")', ["job", "_id"]),
    ('"unterminated \\', ["unterminated \\"]),
])
def test_string_bodies_end_at_the_first_unescaped_closing_quote(source: str, bodies: list[str]) -> None:
    found = regions(source, 0, len(source))
    assert [source[region.start:region.end] for region in found] == bodies
    assert all(isinstance(region, Region) and not region.fstring for region in found)
