"""TSH301 prose."""

from __future__ import annotations

from termshift.rule import LITERALS_PENDING, Invalid, Rule, Valid


class Prose(Rule):
    """
    ## What it does
    Flags the legacy term in prose: comments, docstrings, and log and
    exception messages.

    ## Why is this bad?
    Prose that says "job" next to code that says "step" makes readers
    wonder whether they are two things. It breaks nothing, which is why this
    is a warning, not an error.

    ## Example
    ```python
    def claim(queue):
        \"\"\"Take the next job off the queue.\"\"\"
    ```

    ## Use instead
    ```python
    def claim(queue):
        \"\"\"Take the next step off the queue.\"\"\"
    ```

    ## Fix
    The `prose` stage rewrites it when asked for (`termshift migrate --stage
    prose`); it is off by default, because prose often means the word in
    its ordinary sense.
    """

    code = "TSH301"
    name = "prose"
    severity = "warning"
    summary = "A comment, docstring or message uses the legacy term"
    fixable = False
    VALID = [
        Valid('def claim(queue):\n    """Take the next step off the queue."""\n    return queue.pop()\n'),
    ]
    INVALID = [
        Invalid('def claim(queue):\n    """Take the next job off the queue."""\n    return queue.pop()\n',
                at=("app.py:2:22",), xfail=LITERALS_PENDING),
        Invalid("# every job is retried twice\nRETRIES = 2\n", at=("app.py:1:9",), xfail=LITERALS_PENDING),
    ]

    @staticmethod
    def message(site) -> str:
        return f"prose uses the legacy term {site.old!r}: say {site.new!r}"
