"""TSH203 event-type."""

from __future__ import annotations

from termshift.rule import LITERALS_PENDING, Invalid, Rule, Valid


class EventType(Rule):
    """
    ## What it does
    Flags an event type string that spells the legacy term
    (`"job_submitted"`, `"job.completed"`).

    ## Why is this bad?
    Event types are a contract with every consumer of a webhook or a queue.
    A producer on the new word and a consumer on the old one silently stop
    talking to each other.

    ## Example
    ```python
    event = {"type": "job_submitted", "id": item_id}
    ```

    ## Use instead
    ```python
    event = {"type": "step_submitted", "id": item_id}
    ```

    ## Fix
    The `webhooks` stage rewrites the event type in code; every changed
    type is reported so that consumers can be told.
    """

    code = "TSH203"
    name = "event-type"
    severity = "error"
    summary = "An event type spells the legacy term"
    fixable = True
    VALID = [
        Valid('def event(item_id):\n    return {"type": "step_submitted", "id": item_id}\n'),
    ]
    INVALID = [
        Invalid('def event(item_id):\n    return {"type": "job_submitted", "id": item_id}\n', at=("app.py:2:22",), xfail=LITERALS_PENDING),
    ]

    @staticmethod
    def message(site) -> str:
        return f"event type {site.old!r} spells the legacy term: it becomes {site.new!r}"
