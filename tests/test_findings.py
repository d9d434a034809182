"""Findings: what a fingerprint depends on, and copies that change only their occurrence."""

from __future__ import annotations

import dataclasses

from termshift.findings import Finding, fingerprinted


def _every_field_set() -> Finding:
    values = {}
    for number, field in enumerate(dataclasses.fields(Finding)):
        values[field.name] = {int: number + 1, bool: True, str: f"{field.name}-{number}"}[
            {"int": int, "bool": bool, "str": str, "str | None": str}[str(field.type)]]
    return Finding(**values)


def test_counted_is_replace_of_the_occurrence_alone() -> None:
    """Every field set to a value of its own, so a field added later and not copied fails here."""
    finding = _every_field_set()
    assert finding.counted(7) == dataclasses.replace(finding, occurrence=7)
    assert finding.counted(7).fingerprint == dataclasses.replace(finding, occurrence=7).fingerprint


def test_the_same_text_in_the_same_scope_is_told_apart_by_its_order() -> None:
    first = Finding("a.py", 3, 1, 3, 4, "TSH101", "legacy-identifier", "error", "m", text="job", scope="f")
    second = dataclasses.replace(first, line=9)
    other = dataclasses.replace(first, line=5, scope="g")
    out = fingerprinted([second, other, first])
    assert [(finding.line, finding.occurrence) for finding in out] == [(3, 0), (5, 0), (9, 1)]
    assert len({finding.fingerprint for finding in out}) == 3
