"""TSH103 legacy-module-path."""

from __future__ import annotations

from termshift.rule import Invalid, Rule, Valid


class LegacyModulePath(Rule):
    """
    ## What it does
    Flags a first-party module or package name that spells the legacy term,
    wherever a module path is written: in imports, in dotted import strings
    and in packaging metadata (entry points, module lists).

    ## Why is this bad?
    Module paths are the vocabulary's most visible part — they show up in
    every import, traceback and log line — and they are the hardest to
    change by hand, because the file, its imports and every string that
    names it must move together.

    ## Example
    ```python
    from app.jobs import submit
    ```

    ## Use instead
    ```python
    from app.steps import submit
    ```

    ## Fix
    `termshift check --fix` renames the module file or package folder and
    updates every import, dotted string and metadata entry that names it.
    """

    code = "TSH103"
    name = "legacy-module-path"
    severity = "error"
    summary = "A first-party module path spells the legacy term"
    fixable = True
    VALID = [
        Valid({"app/__init__.py": "", "app/steps.py": "X = 1\n", "main.py": "import app.steps\n"}),
        Valid("import taskclock.job\n"),
    ]
    INVALID = [
        Invalid({"app/__init__.py": "", "app/jobs.py": "X = 1\n", "main.py": "import app.jobs\n"},
                at=("main.py:1:12",)),
    ]

    @staticmethod
    def message(site) -> str:
        return f"module path {site.old!r} spells the legacy term: the module becomes {site.new!r}"
