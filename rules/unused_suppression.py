"""TSH903 unused-suppression."""

from __future__ import annotations

from termshift.rule import Invalid, Rule, Valid


class UnusedSuppression(Rule):
    """
    ## What it does
    Reports a code in a `# termshift: ignore[…]` or
    `# termshift: ignore-file[…]` comment that suppresses nothing — the
    legacy term it was written for is gone, or the code is not a rule.

    ## Why is this bad?
    A stale suppression would silently hide the next legacy term written on
    that line or in that file.

    ## Example
    ```python
    class Step:  # termshift: ignore[TSH101]
        ...
    ```

    ## Use instead
    ```python
    class Step:
        ...
    ```

    ## Fix
    Remove the code (or the whole comment).
    """

    code = "TSH903"
    name = "unused-suppression"
    severity = "warning"
    summary = "A suppression comment suppresses nothing"
    fixable = False
    VALID = [
        Valid("class Job:  # termshift: ignore[TSH101]\n    pass\n"),
    ]
    INVALID = [
        Invalid("class Step:  # termshift: ignore[TSH101]\n    pass\n", at=("app.py:1:14",)),
        Invalid("class Job:  # termshift: ignore[TSH101,TSH999]\n    pass\n", at=("app.py:1:13",)),
    ]

    @staticmethod
    def message(detail) -> str:
        return detail
