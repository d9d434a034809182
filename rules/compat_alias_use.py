"""TSH401 compat-alias-use."""

from __future__ import annotations

from termshift.manifest import NOTE as UPSTREAM_NOTE
from termshift.rule import Invalid, Rule, Valid

_MODELS = """\
class Step:
    pass


# termshift: compat until 2999-01-01
Job = Step
# termshift: end compat
"""


class CompatAliasUse(Rule):
    """
    ## What it does
    Reports a use of an old name that is still served by the compatibility
    layer `termshift migrate` left behind — callers that have not moved to
    the new name yet. Compat code is marked with
    `# termshift: compat until YYYY-MM-DD`; the old names defined inside it
    are the compat names.

    ## Why is this bad?
    The old name works only until the compat layer's removal date. This is
    the migration plan's "monitor old endpoint usage": every use reported
    here breaks when `termshift cleanup` runs.

    ## Example
    ```python
    from app.models import Job  # a deprecated alias of Step
    ```

    ## Use instead
    ```python
    from app.models import Step
    ```

    Also reports a use of a dependency's old name that the dependency's own
    migration renamed: its rename manifest (`_termshift_renames.py`, which
    `termshift migrate` writes into a package) lists it, so the use is
    reported even once the dependency's compat layer is gone.

    ## Fix
    `termshift check --fix` (or `termshift migrate`) moves the caller to the
    new name. The compat code itself is never reported.
    """

    code = "TSH401"
    name = "compat-alias-use"
    severity = "warning"
    summary = "A caller still uses an old name kept by the compat layer"
    fixable = True
    VALID = [
        Valid({"app/__init__.py": "", "app/models.py": _MODELS, "main.py": "from app.models import Step\n"}),
    ]
    INVALID = [
        Invalid({"app/__init__.py": "", "app/models.py": _MODELS, "main.py": "from app.models import Job\n"},
                at=("main.py:1:24",)),
    ]

    @staticmethod
    def message(site) -> str:
        if site.note.startswith(UPSTREAM_NOTE):
            return f"{site.old!r} was {site.note}: use {site.new!r}"  # "renamed upstream by lib (…)"
        return f"{site.old!r} is a deprecated compat alias, removed at the end of the deprecation period: use {site.new!r}"
