"""termshift: move a codebase from one domain vocabulary to another.

    >>> import termshift
    >>> result = termshift.migrate("path/to/project")   # plans; write=True applies
    >>> findings = termshift.check("path/to/project").findings

The API (`termshift.api`) loads on first use: the `termshift check` command
imports this package and must stay quick.
"""

__version__ = "0.1.0"

__all__ = ["migrate", "check", "MigrationResult", "CheckResult", "ConfigError", "__version__"]


def __getattr__(name: str):
    if name in ("migrate", "check", "MigrationResult", "CheckResult", "ConfigError"):
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'termshift' has no attribute {name!r}")
