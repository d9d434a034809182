"""TSH101 legacy-identifier."""

from __future__ import annotations

from termshift.rule import Invalid, Rule, Valid


class LegacyIdentifier(Rule):
    """
    ## What it does
    Flags a first-party name — a class, type alias, function, method,
    parameter, attribute, variable or constant — that still spells the legacy
    term, where it is defined and wherever it is used.

    ## Why is this bad?
    Once a codebase has moved to the new vocabulary, every old name left
    behind is a second word for the same thing: readers have to learn both,
    searches miss half the code, and new code copies whichever it saw first.

    ## Example
    ```python
    class Job:
        def __init__(self, job_id):
            self.job_id = job_id
    ```

    ## Use instead
    ```python
    class Step:
        def __init__(self, step_id):
            self.step_id = step_id
    ```

    ## Fix
    `termshift check --fix` (or `termshift migrate`) renames the definition
    and every use of it together, across files. Third-party names are never
    flagged. A rename that would collide with an existing name is refused:
    the finding then says so and must be resolved by hand.
    """

    code = "TSH101"
    name = "legacy-identifier"
    severity = "error"
    summary = "A first-party name spells the legacy term"
    fixable = True
    VALID = [
        Valid("class Step:\n    pass\n"),
        Valid("import taskclock\n\ntaskclock.add_job(job_id=1)\n"),
        Valid("joblib_path = 'x'\n"),
    ]
    INVALID = [
        Invalid("class Job:\n    pass\n", at=("app.py:1:7",)),
        Invalid("def submit_job(job_id):\n    return job_id\n", at=("app.py:1:5", "app.py:1:16", "app.py:2:12")),
    ]

    @staticmethod
    def message(site) -> str:
        return f"{site.kind} {site.old!r} spells the legacy term: rename it to {site.new!r}"
