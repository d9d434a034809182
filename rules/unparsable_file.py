"""TSH901 unparsable-file."""

from __future__ import annotations

from termshift.rule import Invalid, Rule, Valid


class UnparsableFile(Rule):
    """
    ## What it does
    Flags a file that mentions the legacy term but can't be read, decoded or
    parsed as Python.

    ## Why is this bad?
    A file that can't be parsed can't be checked, so anything in it could
    be a legacy name; and `migrate` can't rename a module it can't read, so
    it keeps that module's names everywhere.

    ## Example
    ```python
    def submit_job(:
        ...
    ```

    ## Use instead
    Fix the syntax (or the encoding), then check again.

    ## Fix
    None automatic.
    """

    code = "TSH901"
    name = "unparsable-file"
    severity = "error"
    summary = "A file mentioning the legacy term can't be read or parsed"
    fixable = False
    VALID = [
        Valid("def submit_step(item):\n    return item\n"),
    ]
    INVALID = [
        Invalid("def submit_job(:\n    pass\n", at=("app.py:1:16",)),
        Invalid({"app.py": "# -*- coding: ascii -*-\nJOB = 'caf\u00e9'\n"}, at=("app.py:1:1",)),
    ]

    @staticmethod
    def message(problem) -> str:
        return problem.message
