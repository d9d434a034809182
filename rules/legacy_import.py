"""TSH102 legacy-import."""

from __future__ import annotations

from termshift.rule import Invalid, Rule, Valid

_MODELS = "class Job:\n    pass\n"


class LegacyImport(Rule):
    """
    ## What it does
    Flags an imported name that spells the legacy term when the name is the
    project's own (`from app.models import Job`, `import ... as job_store`).

    ## Why is this bad?
    An import is where a reader first meets a name. An old name imported
    from the project's own modules keeps the old vocabulary alive in every
    module that uses it, and it breaks as soon as the definition is renamed
    and its deprecation period is over.

    ## Example
    ```python
    from app.models import Job
    ```

    ## Use instead
    ```python
    from app.models import Step
    ```

    ## Fix
    `termshift check --fix` renames the import together with the definition
    and every other use. Imports from third-party packages
    (`from rq.job import Job`) are never flagged.
    """

    code = "TSH102"
    name = "legacy-import"
    severity = "error"
    summary = "An import of a first-party name spells the legacy term"
    fixable = True
    VALID = [
        Valid({"app/__init__.py": "", "app/models.py": "class Step:\n    pass\n",
               "main.py": "from app.models import Step\n"}),
        Valid("from taskclock.job import Job\n"),
    ]
    INVALID = [
        Invalid({"app/__init__.py": "", "app/models.py": _MODELS, "main.py": "from app.models import Job\n"},
                at=("main.py:1:24",)),
    ]

    @staticmethod
    def message(site) -> str:
        return f"import of {site.kind} {site.old!r} spells the legacy term: import {site.new!r} instead"
