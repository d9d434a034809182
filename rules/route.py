"""TSH202 route."""

from __future__ import annotations

from termshift.rule import LITERALS_PENDING, Invalid, Rule, Valid

_APP = "class App:\n    def post(self, path):\n        return lambda handler: handler\n\n\napp = App()\n\n\n"


class Route(Rule):
    """
    ## What it does
    Flags an HTTP route that spells the legacy term, in a route decorator or
    a URL table: `"/submit-job"`, `"/job/{job_id}"`.

    ## Why is this bad?
    Routes are the vocabulary as clients see it. An old path keeps every
    client, document and dashboard on the old word.

    ## Example
    ```python
    @app.post("/submit-job")
    def submit(payload): ...
    ```

    ## Use instead
    ```python
    @app.post("/submit-step")
    def submit(payload): ...
    ```

    ## Fix
    The `api` stage rewrites the route; by default the old path keeps
    serving, marked deprecated, until its removal date (see TSH401 and
    TSH402).
    """

    code = "TSH202"
    name = "route"
    severity = "error"
    summary = "An HTTP route spells the legacy term"
    fixable = True
    VALID = [
        Valid(_APP + '@app.post("/submit-step")\ndef submit(payload):\n    return payload\n'),
    ]
    INVALID = [
        Invalid(_APP + '@app.post("/submit-job")\ndef submit(payload):\n    return payload\n', at=("app.py:9:20",), xfail=LITERALS_PENDING),
    ]

    @staticmethod
    def message(site) -> str:
        return f"route {site.old!r} spells the legacy term: it becomes {site.new!r}"
