"""Sites: one place where a legacy term occurs, as the lint and the codemods see it.

Both halves of termshift consume the same records, so a finding and its fix
can never disagree about where a term is or what it becomes.
"""

from __future__ import annotations

import enum
from typing import NamedTuple


class Action(enum.Enum):
    """What migrate does with a site."""

    RENAME = "rename"  # first-party: rewritten when its stage runs
    EXTERNAL = "external"  # owned by someone else: never rewritten, never a finding
    REPORT = "report"  # the project's text naming an outside thing (env var): reported only
    UNRESOLVED = "unresolved"  # can't be tied to a definition: left alone and reported
    REFUSED = "refused"  # a rename that would collide: refused and reported
    ODD = "odd"  # odd case shape or glued word: reported only


# The kind of the thing a site names, and the stage that renames it.
STAGE_OF_KIND = {
    "class": "types",
    "type-alias": "types",
    "type-var": "types",
    "function": "services",
    "method": "services",
    "parameter": "services",
    "attribute": "services",
    "field": "services",
    "variable": "services",
    "constant": "services",
    "module": "services",
    "key": "keys",
    "route": "api",
    "event": "webhooks",
    "payload-key": "webhooks",
    "prose": "prose",
}


class Role(enum.Enum):
    """Where in the code the site sits; the rules are keyed on it."""

    DEFINITION = "definition"
    REFERENCE = "reference"
    IMPORT = "import"
    MODULE_PATH = "module-path"  # a module name in an import, a string or packaging metadata
    STRING = "string"  # a name carried by a string: __all__, getattr, placeholders, dotted paths
    LITERAL = "literal"  # wire format: keys, routes, events, payload keys
    PROSE = "prose"


class _SiteFields(NamedTuple):
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    old: str
    new: str
    kind: str
    role: Role
    action: Action
    note: str = ""
    scope: str = ""  # enclosing qualified name, for line-independent fingerprints
    # The one binding the site is tied to, where it is a function's local: a local moves with its
    # own uses alone, whatever else in the project shares its spelling. "param:…" for a parameter
    # and its uses in its function (it moves with the keywords that name it, wherever they are).
    # Empty elsewhere.
    local: str = ""


class Site(_SiteFields):
    """One occurrence. Lines are 1-based; columns are 0-based character offsets.

    A named tuple rather than a frozen dataclass: a job-heavy project has hundreds of thousands of
    sites, made by the finder, sent through the workers' pipes, packed and unpacked again by a large
    run (sitetable.py); a frozen dataclass takes ~4 µs to make (a setattr per field), a tuple a
    tenth of that. Immutable and compared by value all the same.
    """

    __slots__ = ()

    @property
    def stage(self) -> str:
        return STAGE_OF_KIND.get(self.kind, "services")

    def key(self) -> tuple[str, int, int]:
        return (self.path, self.line, self.column)
