"""TSH104 legacy-name-in-string."""

from __future__ import annotations

from termshift.rule import Invalid, Rule, Valid


class LegacyNameInString(Rule):
    """
    ## What it does
    Flags a string that carries the name of a first-party definition with
    the legacy term: an `__all__` entry, a `getattr`/`setattr`/`hasattr`
    name, a dotted import path (`"app.jobs:submit_job"`,
    `mock.patch("app.jobs.Job")`), a route placeholder bound to a handler's
    parameter (`"/job/{job_id}"`) or a `**kwargs` key.

    ## Why is this bad?
    These strings are names in disguise. When the definition is renamed and
    the string is not, nothing fails at import time: the program breaks
    later, at the `getattr`, the patch or the request.

    ## Example
    ```python
    __all__ = ["Job"]

    class Job: ...
    ```

    ## Use instead
    ```python
    __all__ = ["Step"]

    class Step: ...
    ```

    ## Fix
    `termshift check --fix` rewrites the string together with the
    definition it names.
    """

    code = "TSH104"
    name = "legacy-name-in-string"
    severity = "error"
    summary = "A string carries a first-party name that spells the legacy term"
    fixable = True
    VALID = [
        Valid('__all__ = ["Step"]\n\n\nclass Step:\n    pass\n'),
        Valid('import os\n\nos.environ.get("HOME")\n'),
    ]
    INVALID = [
        Invalid('__all__ = ["Job"]\n\n\nclass Job:\n    pass\n', at=("app.py:1:13",)),
        Invalid('class Queue:\n    job_count = 0\n\n\ngetattr(Queue(), "job_count")\n', at=("app.py:5:19",)),
    ]

    @staticmethod
    def message(site) -> str:
        return f"string names {site.kind} {site.old!r}, which spells the legacy term: it becomes {site.new!r}"
