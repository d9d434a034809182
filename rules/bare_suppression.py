"""TSH902 bare-suppression."""

from __future__ import annotations

from termshift.rule import Invalid, Rule, Valid


class BareSuppression(Rule):
    """
    ## What it does
    Flags a suppression comment that names no rule: `# termshift: ignore`
    or `# termshift: ignore-file` without `[CODE,…]`.

    ## Why is this bad?
    A bare suppression hides every finding on the line — including the ones
    nobody has seen yet — so it is refused as too broad, and it suppresses
    nothing.

    ## Example
    ```python
    class Job:  # termshift: ignore
        ...
    ```

    ## Use instead
    ```python
    class Job:  # termshift: ignore[TSH101]
        ...
    ```

    ## Fix
    Name the codes to suppress.
    """

    code = "TSH902"
    name = "bare-suppression"
    severity = "error"
    summary = "A suppression comment names no rule"
    fixable = False
    VALID = [
        Valid("class Job:  # termshift: ignore[TSH101]\n    pass\n"),
    ]
    INVALID = [
        Invalid("class Job:  # termshift: ignore\n    pass\n", at=("app.py:1:13",)),
        Invalid("# termshift: ignore-file\nVALUE = 1\n", at=("app.py:1:1",)),
    ]

    @staticmethod
    def message(comment) -> str:
        return f"{comment!r} names no rule and suppresses nothing: name the codes, as in `# termshift: ignore[TSH101]`"
