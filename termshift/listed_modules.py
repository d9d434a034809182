"""Modules a framework finds by listing their folder: moved, each would become another module.

Django imports every file of an app's `migrations` and `management/commands` and reads a class of
a fixed name there (`Migration`, `Command`); Alembic loads every file of its `versions` folder and
reads `revision`, `upgrade` and `downgrade`. The module's own name is what tells it apart, and it
is stored (`django_migrations` records an applied migration by it, and later migrations depend on
it by it) or typed (`manage.py run_jobs`). Moved, a deploy would take it for a migration never
applied; and no compat module can stand at the old path, where the listing would find one more.

Told from the project's side, whatever the framework:
- a name no import statement can spell (`0009_unique_job_executions`, `run-jobs.py`): only a listing
  or its path finds it;
- a module no code of the project imports that defines, at its top, what a sibling in its folder
  defines too: a class of the same name on a third party's base, or two or more of the same
  public names, a function or class among them (a plugin's hooks).
Test modules are pytest's, which finds them by a pattern their new names still match.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from .deprecation import is_test_module
from .index import Index
from .project import Project

UNSPELLABLE = ("a module whose name no import statement can spell is found by its path (a Django migration or "
               "an Alembic revision its framework lists, a script run by its file name): its name is its "
               "identity, a migration's stored as applied; moved, it would be taken for another, and a compat "
               "module at its old path would be listed as one more")
LIKE_SIBLINGS = ("a module its framework finds by listing its folder, as its siblings (each defines {}): its name "
                 "is its identity (a migration's is stored as applied, a command's is typed); moved, it would be "
                 "taken for another, and a compat module at its old path would be listed as one more")
_DEFINED = ("class", "function", "variable", "constant", "type-alias")


def why_listed(index: Index, project: Project, path: Path, imported: Callable[[str], bool]) -> str:
    """Why the module at `path` keeps its name (module docstring), or "". `imported(stem)`: does
    some code of the project import a module of that name (asked last: it reads every site)?"""
    module = project.module_of.get(path)
    if module is None:
        return ""
    stem = module.rpartition(".")[2]
    if not stem.isidentifier():
        return UNSPELLABLE
    if is_test_module(module) or stem == "__init__":
        return ""
    own = _top_names(index, module)
    if not own:
        return ""
    for sibling in sorted(path.parent.glob("*.py")):
        other = project.module_of.get(sibling)
        if sibling == path or other is None or sibling.stem.startswith("_"):
            continue
        shared = own & _top_names(index, other)
        classes = sorted(name for name in shared if _on_a_third_party_base(index, module, name)
                         and _on_a_third_party_base(index, other, name))
        if classes:
            shown = f"`{classes[0]}` on a third party's base"
        elif len(shared) >= 2 and any(_is_code(index, module, name) for name in shared):
            shown = ", ".join(f"`{name}`" for name in sorted(shared)[:4])
        else:
            continue
        return "" if imported(stem) else LIKE_SIBLINGS.format(shown)
    return ""


def _top_names(index: Index, module: str) -> set[str]:
    summary = index.module(module)
    if summary is None:
        return set()
    return {name for name, symbol in summary.symbols.items() if symbol.kind in _DEFINED and not name.startswith("_")}


def _on_a_third_party_base(index: Index, module: str, name: str) -> bool:
    summary = index.module(module)
    return summary is not None and name in summary.classes and bool(index.mro(f"{module}:{name}")[1])


def _is_code(index: Index, module: str, name: str) -> bool:
    summary = index.module(module)
    return summary is not None and summary.symbols[name].kind in ("class", "function")
