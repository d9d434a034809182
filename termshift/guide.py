"""`migrate --guide FILE`: the client migration guide, in Markdown, from the same analysis as the migration.

Old -> new for everything clients see: the Python API (modules, names,
members, keywords), HTTP routes, request/response fields, webhook event
types and payload keys, storage keys; with the removal date and the phases.
"""

from __future__ import annotations

import datetime


def _table(header: tuple[str, str], rows: list[tuple[str, str]]) -> list[str]:
    if not rows:
        return ["_Nothing changes here._", ""]
    lines = [f"| {header[0]} | {header[1]} |", "| --- | --- |"]
    lines += [f"| `{old}` | `{new}` |" for old, new in rows]
    return lines + [""]


def render(analysis, the_plan, until: datetime.date, today: datetime.date) -> str:
    from . import deprecation, wiring

    wired = wiring.plan(analysis, the_plan, until, today)
    compat = deprecation.plan(analysis, the_plan)
    modules: list[tuple[str, str]] = []
    for old, new in the_plan.moves:
        old_module = analysis.project.module_of.get(analysis.root / old) or \
            analysis.project.module_of.get(analysis.root / old / "__init__.py")
        if old_module and not deprecation.is_test_module(old_module):
            new_module = ".".join(old_module.split(".")[:-1] + [new.rsplit("/", 1)[-1].removesuffix(".py")])
            modules.append((old_module, new_module))
    renamed_modules = dict(modules)

    def new_module(module: str) -> str:
        parts = module.split(".")
        for index in range(len(parts), 0, -1):
            prefix = ".".join(parts[:index])
            if prefix in renamed_modules:
                return ".".join([renamed_modules[prefix], *parts[index:]])
        return module

    names: list[tuple[str, str]] = []
    keywords: list[tuple[str, str]] = []
    for request in compat.modules.values():
        old_mod, new_mod = request.module, new_module(request.module)
        old_of = {new: old for old, new in request.names.items()}

        def old_path(dotted: str) -> str:
            return ".".join(old_of.get(part, part) for part in dotted.split("."))

        names += [(f"{old_mod}.{old}", f"{new_mod}.{new}") for old, new in request.names.items()]
        for owner, members in request.members.items():
            names += [(f"{old_mod}.{old_path(owner)}.{old}", f"{new_mod}.{owner}.{new}") for old, new in members.items()]
        keywords += [(f"{old_mod}.{old_path(function)}({old}=…)", f"{new_mod}.{function}({new}=…)")
                     for function, renamed in request.keywords.items() for old, new in renamed.items()]
    keys = [(old.replace("{}", "{id}"), new.replace("{}", "{id}")) for old, new in wired.keys]
    routes = [(old.replace("{}", "{id}"), new.replace("{}", "{id}")) for old, new in sorted(wired.routes.items())]
    lines = [
        "# Client migration guide",
        "",
        f"The old names below keep working until **{until.isoformat()}** (deprecated since "
        f"{today.isoformat()}); after that date they are removed.",
        "",
        "During the transition the service follows `TERMSHIFT_PHASE`: `dual-write` (old and new on the wire), "
        "`prefer-new` (new first, old still served and sent), `new-only` (new form only; old routes still "
        "answer, deprecated, until the removal date).",
        "",
        "## HTTP clients",
        "",
        "Old routes answer in the old vocabulary, with `Deprecation`, `Sunset` and "
        "`Link: <new>; rel=\"successor-version\"` headers. Move to the new routes and field names:",
        "",
        *_table(("old route", "new route"), routes),
        "Request and response fields:",
        "",
        *_table(("old field", "new field"), sorted(wired.payload_keys.items())),
        "## Webhook consumers",
        "",
        "Until `new-only` each event is delivered twice: once in the old form (old type, old keys) and once in "
        "the new form, each with a `Termshift-Event-Form: old` or `new` header. Handle the new form; answer the "
        "old one with any status (a 4xx is fine: the delivery counts as taken when either form is). A consumer "
        "that accepts both forms should ignore `Termshift-Event-Form: old`, or it handles each event twice.",
        "",
        *_table(("old event type", "new event type"), sorted(wired.events.items())),
        *_table(("old payload key", "new payload key"), sorted(wired.payload_keys.items())),
        "## Python API",
        "",
        *_table(("old module", "new module"), sorted(modules)),
        *_table(("old name", "new name"), sorted(names)),
        *_table(("old keyword", "new keyword"), sorted(keywords)),
        "## Stored data (operators)",
        "",
        "`termshift data copy` / `verify` / `drop-old` move the stored data; while old code may run, new code "
        "keeps both forms.",
        "",
        *_table(("old key", "new key"), keys),
    ]
    return "\n".join(lines).rstrip("\n") + "\n"
