"""What a lint rule is: a code, a name, a default severity, its documentation
and the examples that prove it.

A rule never looks at code itself. The finder turns code into sites, and one
function (`termshift.rules.registry.rule_for`) decides which rule a site
belongs to, so no two rules can disagree about a site and the lint can never
disagree with the codemods. What a rule owns is how it explains itself: its
message, its documentation (`termshift explain`), and its VALID / INVALID
examples, which the test-suite runs through the real `check` pipeline.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import ClassVar, Mapping, Union

SEVERITIES = ("info", "warning", "error")

# Where the project lives (pyproject.toml's project.urls say the same; a test keeps them equal).
# Each rule's page, docs/rules/<CODE>.md, is its `termshift explain` text: SARIF links to it.
HOME = "https://github.com/termshift/termshift"

Files = Union[str, Mapping[str, str]]  # one module's source, or {relative path: text}
DEFAULT_FILE = "app.py"


@dataclass(frozen=True)
class Valid:
    """Code the rule must pass. `files` is a module's source or a small project."""

    files: Files


@dataclass(frozen=True)
class Invalid:
    """Code the rule must flag; `at` lists exact `path:line:col` (1-based) locations it reports."""

    files: Files
    at: tuple[str, ...] = field(default=())
    xfail: str = ""  # why the finder can't find this yet; the test then expects (strictly) to fail


def project_files(files: Files) -> dict[str, str]:
    return {DEFAULT_FILE: files} if isinstance(files, str) else dict(files)


class Rule:
    """Base class: subclasses set the class attributes and write a ruff-style docstring."""

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[str]
    summary: ClassVar[str]  # one line: what the rule reports
    fixable: ClassVar[bool] = False  # whether `check --fix` can ever fix it
    VALID: ClassVar[list[Valid]] = []
    INVALID: ClassVar[list[Invalid]] = []

    @classmethod
    def doc(cls) -> str:
        """The documentation `termshift explain` prints: the class docstring, dedented."""
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def help_markdown(cls) -> str:
        return f"## {cls.code} {cls.name}\n\n{cls.doc()}\n"

    @classmethod
    def help_uri(cls) -> str:
        return f"{HOME}/blob/main/docs/rules/{cls.code}.md"


# The finder doesn't emit wire-literal and prose sites yet: examples that need them say so.
LITERALS_PENDING = "literal sites not found yet"
