"""TSH303 unresolved-use."""

from __future__ import annotations

from termshift.rule import Invalid, Rule, Valid

_UNKNOWN = """\
def describe(thing):
    return thing.job_id
"""


class UnresolvedUse(Rule):
    """
    ## What it does
    Reports a name with the legacy term that can't be tied to a definition,
    neither the project's nor a third party's: an attribute of a value of
    unknown type, a keyword argument passed through `**kwargs` or checked
    on a mock.

    ## Why is this bad?
    A rename changes a definition and all its uses together. A use that
    can't be tied to its definition would be left behind — or renamed when
    it belongs to someone else — so `termshift` leaves it alone and says
    where it is.

    ## Example
    ```python
    def describe(thing):
        return thing.job_id
    ```

    ## Use instead
    ```python
    def describe(thing: Step):
        return thing.step_id
    ```
    …when the attribute is the project's; otherwise suppress the finding.

    ## Fix
    None automatic: decide by hand. Annotating the value's type often lets
    `termshift` resolve it on the next run.
    """

    code = "TSH303"
    name = "unresolved-use"
    severity = "warning"
    summary = "A use of the legacy term can't be tied to a definition"
    fixable = False
    VALID = [
        Valid(_UNKNOWN.replace("job_id", "step_id")),
    ]
    INVALID = [
        Invalid(_UNKNOWN, at=("app.py:2:18",)),
    ]

    @staticmethod
    def message(site) -> str:
        if "computed at run time" in site.note:
            return f"{site.old!r} {site.note}: kept everywhere: renamed, the name computed there would no longer find it"
        if site.note and not site.note.startswith("can't tell whether"):
            return f"{site.old!r}: {site.note}"  # why it is held (a framework's field, a name read as data)
        return f"{site.old!r}: can't tell whether this name is the project's; left as it is (rename by hand if it is)"
