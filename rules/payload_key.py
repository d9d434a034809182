"""TSH204 payload-key."""

from __future__ import annotations

from termshift.rule import LITERALS_PENDING, Invalid, Rule, Valid

_WIRE_FIELD = """\
from typing import TypedDict


class Payload(TypedDict):
    job_id: int
"""


class PayloadKey(Rule):
    """
    ## What it does
    Flags a key that goes on the wire and spells the legacy term: a dict or
    payload key (`{"job_id": …}`), and the fields whose names become such
    keys (TypedDict fields, fields of data classes turned into dicts with
    `dataclasses.asdict()`).

    ## Why is this bad?
    Payload keys are read by code you don't own. Renaming them is a change
    of the wire format, so it is a step of its own in the migration — and
    one that must not be forgotten.

    ## Example
    ```python
    payload = {"job_id": item_id}
    ```

    ## Use instead
    ```python
    payload = {"step_id": item_id}
    ```

    ## Fix
    The `webhooks` stage renames payload keys and the fields that produce
    them together; every change is reported for the consumers.
    """

    code = "TSH204"
    name = "payload-key"
    severity = "error"
    summary = "A payload key (or a field that becomes one) spells the legacy term"
    fixable = True
    VALID = [
        Valid('def payload(item_id):\n    return {"step_id": item_id}\n'),
    ]
    INVALID = [
        Invalid(_WIRE_FIELD, at=("app.py:5:5",)),
        Invalid('def payload(item_id):\n    return {"job_id": item_id}\n', at=("app.py:2:14",), xfail=LITERALS_PENDING),
    ]

    @staticmethod
    def message(site) -> str:
        if site.kind != "payload-key":
            return (f"{site.kind} {site.old!r} becomes a key on the wire: the webhooks stage renames it "
                    f"to {site.new!r} together with the payload keys")
        return f"payload key {site.old!r} spells the legacy term: it becomes {site.new!r}"
