"""Configuration: `[tool.termshift]` in pyproject.toml, or termshift.toml.

The outside world is messy, so this module is strict: every key is known, every
value is checked, and a mistake is a `ConfigError` that names the key — the CLI
turns it into exit code 2, never a traceback.
"""

from __future__ import annotations

import keyword
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

from .vocabulary import DEFAULT_TERMS, Term, Vocabulary, term_words

STAGES = ("types", "services", "keys", "api", "webhooks", "prose")
DEFAULT_STAGES = ("types", "services", "keys", "api", "webhooks")
SEVERITIES = ("info", "warning", "error")


class ConfigError(Exception):
    """A configuration mistake; the message names the file and the key."""


@dataclass(frozen=True)
class Config:
    """`[tool.termshift]`, validated; its fingerprint is part of every cache key."""

    terms: tuple[Term, ...] = DEFAULT_TERMS
    keep: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    stages: tuple[str, ...] = DEFAULT_STAGES
    first_party: tuple[str, ...] = ()
    search_path: tuple[str, ...] = ()  # folders holding third-party sources, relative to the root
    compat_weeks: int = 8
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, str] = field(default_factory=dict)
    fail_on: str = "error"  # what migrate deliberately leaves is warning or info: migrate then check exits 0
    per_path: dict[str, tuple[str, ...]] = field(default_factory=dict)
    rename_manifest: bool = True  # migrate writes <package>/_termshift_renames.py (manifest.py)
    source: Path | None = None

    def vocabulary(self) -> Vocabulary:
        return Vocabulary(self.terms, self.keep)

    def fingerprint(self) -> str:
        """What a cache must be invalidated by."""
        return repr(
            (self.terms, self.keep, self.exclude, self.stages, self.first_party, self.search_path, self.compat_weeks)
        )


def _strings(where: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where}: expected a list of strings")
    return tuple(value)


def _terms(where: str, value: Any) -> tuple[Term, ...]:
    entries: list[tuple[str, Term]] = []  # (where the term is written, the term)
    if isinstance(value, dict):
        for old, new in value.items():
            if not isinstance(new, str):
                raise ConfigError(f"{where}.{old}: expected a string")
            entries.append(_term(f"{where}.{old}", {"old": old, "new": new}))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if not isinstance(item, dict) or not {"old", "new"} <= item.keys():
                raise ConfigError(f"{where}[{index}]: expected a table with 'old' and 'new'")
            unknown = item.keys() - {"old", "new", "old_plural", "new_plural"}
            if unknown:
                raise ConfigError(f"{where}[{index}]: unknown key {sorted(unknown)[0]!r}")
            for key, word in item.items():
                if not isinstance(word, str):
                    raise ConfigError(f"{where}[{index}].{key}: expected a string")
            entries.append(_term(f"{where}.{item['old']}", item))
    else:
        raise ConfigError(f"{where}: expected a table like {{ job = \"step\" }}")
    if not entries:
        raise ConfigError(f"{where}: no terms given")
    _check_terms(entries)
    return tuple(term for _, term in entries)


def _term(here: str, spelled: dict[str, str]) -> tuple[str, Term]:
    """One term, each of its words checked: a term may be several words (`work_item`, `build-step`)."""
    for key, word in spelled.items():
        try:
            term_words(word)
        except ValueError as error:
            raise ConfigError(f"{here}: {key} {error}") from None
    return here, Term(**spelled)


def _words(form: str) -> tuple[str, ...]:
    return tuple(form.split("_"))


def _contains(words: tuple[str, ...], part: tuple[str, ...]) -> bool:
    return any(words[at:at + len(part)] == part for at in range(len(words) - len(part) + 1))


def _check_terms(entries: list[tuple[str, Term]]) -> None:
    """Words a rename can actually use, caught here rather than as collisions half way through a run."""
    olds: dict[str, tuple[int, str]] = {}  # old form -> (which term, where it is written)
    news: dict[str, tuple[int, str]] = {}
    for number, (here, term) in enumerate(entries):
        for old, new in ((term.old, term.new), (term.old_plural, term.new_plural)):
            if old == new:
                raise ConfigError(f"{here}: {old!r} would be renamed to itself")
            if keyword.iskeyword(new):
                raise ConfigError(f"{here}: {new!r} is a Python keyword: no name can be renamed to it")
            if olds.get(old, (number, ""))[0] != number:
                raise ConfigError(f"{here}: {old!r} is given twice")
            olds[old], news[new] = (number, here), (number, here)
        if (term.old == term.old_plural) != (term.new == term.new_plural):
            raise ConfigError(f"{here}: {term.old!r}/{term.old_plural!r} and "
                              f"{term.new!r}/{term.new_plural!r}: a plural form must differ from its "
                              f"singular on both sides or on neither")
    # A new form that holds an old one would be renamed again by the next run.
    for old, (_, owner) in olds.items():
        for new in news:
            if old == new:
                raise ConfigError(f"{owner}: {old!r} is both an old and a new word: rename in two runs")
            if _contains(_words(new), _words(old)):
                raise ConfigError(f"{owner}: the old {old!r} is part of the new {new!r}, which a second run "
                                  f"would rename again: rename in two runs")


MAX_COMPAT_WEEKS = 5200  # a hundred years: the removal date must stay a date


def _codes(where: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    return _strings(where, value)


def parse(table: dict[str, Any], source: Path | None = None) -> Config:
    """Build a Config from the `[tool.termshift]` table."""
    prefix = f"{source}: tool.termshift" if source else "tool.termshift"
    values: dict[str, Any] = {"source": source}
    for key, value in table.items():
        where = f"{prefix}.{key}"
        name = key.replace("-", "_")
        if name == "terms":
            values["terms"] = _terms(where, value)
        elif name in ("keep", "exclude", "first_party", "search_path"):
            values[name] = _strings(where, value)
        elif name == "stages":
            stages = _strings(where, value)
            for stage in stages:
                if stage not in STAGES:
                    raise ConfigError(f"{where}: unknown stage {stage!r} (one of {', '.join(STAGES)})")
            values["stages"] = stages
        elif name == "compat_weeks":
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ConfigError(f"{where}: expected a whole number of weeks")
            if value > MAX_COMPAT_WEEKS:
                raise ConfigError(f"{where}: {value} weeks is too long (at most {MAX_COMPAT_WEEKS})")
            values["compat_weeks"] = value
        elif name in ("select", "ignore"):
            values[name] = _codes(where, value)
        elif name == "rename_manifest":
            if not isinstance(value, bool):
                raise ConfigError(f"{where}: expected true or false")
            values["rename_manifest"] = value
        elif name == "fail_on":
            if value not in SEVERITIES:
                raise ConfigError(f"{where}: expected one of {', '.join(SEVERITIES)}")
            values["fail_on"] = value
        elif name == "severity":
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: expected a table of CODE = severity")
            for code, level in value.items():
                if level not in SEVERITIES:
                    raise ConfigError(f"{where}.{code}: expected one of {', '.join(SEVERITIES)}")
            values["severity"] = dict(value)
        elif name == "per_path":
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: expected a table of \"glob\" = [codes to ignore]")
            values["per_path"] = {
                pattern: _codes(f"{where}.{pattern}", codes) for pattern, codes in value.items()
            }
        else:
            raise ConfigError(f"{where}: unknown key {key!r}")
    return Config(**values)


CONFIG_NAMES = ("termshift.toml", "pyproject.toml")


def load(root: Path, explicit: Path | None = None) -> Config:
    """The project's configuration: the explicit file, or the nearest termshift.toml or pyproject.toml
    with a [tool.termshift] table, from the project root up to the top of its git checkout; or defaults.

    Looking up as far as the checkout (as ruff does, stopping at the repository) lets a monorepo keep
    one configuration at its top that every project inherits, while a project with its own table
    (which may `extend` the shared one) overrides it. Paths in settings (exclude, search-path,
    per-path) are relative to the file that sets them, and are rebased onto the project root.
    """
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"{explicit}: no such config file")
        table = _table(explicit, required=True)
        return parse(_resolved(table, explicit, root, ()), explicit)
    from . import replay

    watched = replay.observing
    for path in candidates(root):
        if watched is not None:  # a config file made, changed or removed here changes the answer
            watched.folders.add(str(path.parent))
        if not path.is_file():
            continue
        if watched is not None:
            watched.files.add(str(path))
        table = _table(path, required=False)
        if table is None:
            continue
        return parse(_resolved(table, path, root, ()), path)
    return Config()


def candidates(root: Path) -> list[Path]:
    """The files `load` may read, nearest first: the project root's, then each folder's above it up
    to the top of the git checkout that holds it (none above a project outside any checkout)."""
    from .roots import repository_of

    top = Path(repository_of(str(root)))
    found = []
    folder = root
    while True:
        found.extend(folder / name for name in CONFIG_NAMES)
        if folder == top or folder.parent == folder or not folder.is_relative_to(top):
            return found
        folder = folder.parent


def _table(path: Path, *, required: bool) -> dict[str, Any] | None:
    """The termshift table of a config file: [tool.termshift] in a pyproject.toml; the whole file (or
    its [tool.termshift]) in any other. None for a pyproject.toml without one, unless `required`."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: {error}") from None
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("termshift")
        if table is None:
            if required:
                raise ConfigError(f"{path}: no [tool.termshift] table")
            return None
    else:
        table = data.get("tool", {}).get("termshift", data)
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: tool.termshift must be a table")
    return table


_PATH_KEYS = ("exclude", "search_path", "search-path")
_PATTERN_TABLES = ("per_path", "per-path")


def _resolved(table: dict[str, Any], path: Path, root: Path, chain: tuple[Path, ...]) -> dict[str, Any]:
    """`table` with what it `extend`s filled in (its own keys win) and its paths rebased onto `root`."""
    here = path.resolve()
    if here in chain:
        cycle = " -> ".join(str(item) for item in (*chain, here))
        raise ConfigError(f"{path}: tool.termshift.extend: a cycle ({cycle})")
    own = _rebased(table, here.parent, root, path)
    extend = own.pop("extend", None)
    if extend is None:
        return own
    if not isinstance(extend, str) or not extend:
        raise ConfigError(f"{path}: tool.termshift.extend: expected the path of a config file")
    parent = (here.parent / os.path.expanduser(extend))
    if not parent.is_file():
        raise ConfigError(f"{path}: tool.termshift.extend: {extend}: no such config file")
    from . import replay

    if replay.observing is not None:
        replay.observing.files.add(str(parent.resolve()))
    inherited = _resolved(_table(parent, required=True), parent, root, (*chain, here))
    return {**inherited, **own}


def _rebased(table: dict[str, Any], folder: Path, root: Path, path: Path) -> dict[str, Any]:
    """Path-valued settings written in `folder`'s file, as they read from `root`, when `folder` is
    above it; a file elsewhere (an explicit --config, a sibling's) speaks of the project root."""
    if folder == root.resolve() or not root.resolve().is_relative_to(folder):
        return dict(table)
    rebased = dict(table)
    for key in _PATH_KEYS:
        value = table.get(key)
        if value is None:
            continue
        entries = _strings(f"{path}: tool.termshift.{key}", value)
        if key == "exclude":
            rebased[key] = [pattern for pattern in (rebase_pattern(entry, folder, root) for entry in entries)
                            if pattern is not None]
        else:
            rebased[key] = [os.path.relpath(folder / entry, root) for entry in entries]
    for key in _PATTERN_TABLES:
        value = table.get(key)
        if isinstance(value, dict):
            moved = {}
            for pattern, codes in value.items():
                new = rebase_pattern(pattern, folder, root) if isinstance(pattern, str) else pattern
                if new is not None:
                    moved[new] = codes
            rebased[key] = moved
    return rebased


def rebase_pattern(pattern: str, folder: Path, root: Path) -> str | None:
    """A .gitignore-style pattern written for `folder`, as it reads for `root` (a folder below it);
    None when it can match nothing under `root`.

    A pattern without a slash before its end matches at any depth and stays as it is; an anchored
    one keeps only the part below `root`.
    """
    below = root.resolve().relative_to(folder).as_posix()
    if below == ".":
        return pattern
    negated = pattern.startswith("!")
    body = pattern[1:] if negated else pattern
    if "/" not in body.rstrip("/") or body.lstrip("/").startswith("**/"):
        return pattern
    anchored = body.lstrip("/")
    prefix = below + "/"
    if not anchored.startswith(prefix):
        return None
    rest = anchored[len(prefix):]
    if not rest:
        return None
    return ("!" if negated else "") + "/" + rest


def for_paths(paths: tuple[Path, ...], explicit: Path | None = None) -> tuple[Path, Config, list[Path]]:
    """What a command given `paths` works on: (the project root, its configuration, the targets),
    for the commands that work in one project (see `projects` for those that take several).

    The root is found from the first path, as every command finds it (roots.py).
    """
    from .roots import find_root

    targets = list(paths) or [Path(".")]
    for path in targets:
        if not path.exists():
            raise ConfigError(f"{path}: no such file or directory")
    root = Path(find_root(os.path.abspath(targets[0])))
    return root, load(root, explicit.resolve() if explicit else None), targets


def projects(paths: tuple[Path, ...], explicit: Path | None = None) -> list[tuple[Path, Config, list[Path]]]:
    """`for_paths` for each project the `paths` are in, in the order they are first named: each
    path's root is its own nearest project folder (roots.py), whatever else is named with it."""
    from .roots import find_root

    targets = list(paths) or [Path(".")]
    for path in targets:
        if not path.exists():
            raise ConfigError(f"{path}: no such file or directory")
    grouped: dict[str, list[Path]] = {}
    for path in targets:
        grouped.setdefault(find_root(os.path.abspath(path)), []).append(path)
    chosen = explicit.resolve() if explicit else None
    return [(Path(root), load(Path(root), chosen), named) for root, named in grouped.items()]
