"""TSH402 compat-expired."""

from __future__ import annotations

from termshift.rule import Invalid, Rule, Valid

_MODELS = """\
class Step:
    pass


# termshift: compat until {date}
Job = Step
# termshift: end compat
"""


class CompatExpired(Rule):
    """
    ## What it does
    Flags compatibility code whose removal date has passed: a block, line or
    shim module marked `# termshift: compat until YYYY-MM-DD` with a date
    before today. One finding per piece, at its marker.

    ## Why is this bad?
    The deprecation period was promised to end. Compat code kept past its
    date keeps the old vocabulary alive for good, and callers never move.

    ## Example
    ```python
    # termshift: compat until 2024-01-31
    Job = Step
    # termshift: end compat
    ```

    ## Use instead
    Nothing: the compat code is gone.

    ## Fix
    Run `termshift cleanup`, which removes exactly the compat code, after
    checking that no caller still uses it (TSH401).
    """

    code = "TSH402"
    name = "compat-expired"
    severity = "error"
    summary = "Compat code is past its removal date"
    fixable = False
    VALID = [
        Valid({"app/__init__.py": "", "app/models.py": _MODELS.format(date="2999-01-01")}),
    ]
    INVALID = [
        Invalid({"app/__init__.py": "", "app/models.py": _MODELS.format(date="2000-01-31")},
                at=("app/models.py:5:1",)),
    ]

    @staticmethod
    def message(piece) -> str:
        return f"compat code past its removal date ({piece.raw_date}): remove it with `termshift cleanup`"
