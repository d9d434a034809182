"""The wire transition layer: what `migrate` adds so old and new code share the wire (DESIGN: option B).

From the wire literals a migration changes (`termshift.wire`), with compat on:

- one module per package, ``<package>/_termshift_wire.py``: the old <-> new
  mapping (storage key patterns, payload keys, event types, routes), the
  dates, and the runtime (`termshift.wire_runtime`, standard library only);
- in each module that uses the wire, marked pieces `cleanup` removes:
  an import line, the old route twins wrapped to serve the old vocabulary,
  and a block at the end wrapping the module's payload functions and the
  storage clients its classes keep.

Pure planning and text: no LibCST.
"""

from __future__ import annotations

import ast
import datetime
import json
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from . import markers

MODULE_NAME = "_termshift_wire"
WIRE_FILE = MODULE_NAME + ".py"

# Commands that say "this attribute is a Redis(-like) client": every command the runtime covers
# (tests/test_wire_runtime.py checks the two lists agree), and a few client calls.
CLIENT_COMMANDS = frozenset({
    "get", "set", "setex", "psetex", "mget", "delete", "exists", "keys", "scan", "scan_iter", "expire", "pexpire",
    "expireat", "pexpireat", "persist", "ttl", "pttl", "type", "strlen", "incr", "incrby", "decr",
    "lpush", "rpush", "rpop", "lpop", "lrange", "lrem", "llen", "lmove", "rpoplpush", "blpop", "brpop", "blmove",
    "brpoplpush", "sadd", "srem", "smembers", "sismember", "scard", "hset", "hget", "hgetall", "hdel", "hexists",
    "hlen", "zadd", "zrem", "zincrby", "zscore", "zcard", "zcount", "zrank", "zrange", "zrevrange",
    "zrangebyscore", "zrevrangebyscore", "zpopmin", "zpopmax", "bzpopmin", "bzpopmax", "xadd", "xrange",
    "xrevrange", "xlen", "xread", "xdel", "xtrim", "xgroup_create", "xreadgroup", "xack", "xpending",
    "xpending_range", "xclaim", "xautoclaim", "eval", "publish", "pipeline", "lock", "register_script",
})

_LITERAL = re.compile(r"^(?P<prefix>[rRbBuUfF]*)(?P<quote>'''|\"\"\"|'|\")(?P<body>.*)(?P=quote)$", re.S)
_FIELD = re.compile(r"\{[^{}]*\}")
_PERCENT = re.compile(r"%[-#0 +]*\d*(?:\.\d+)?[sdrifx]")


@dataclass
class WireModule:
    """What one source file gets: its import of the wire module and what its block wires."""

    import_line: str
    payloads: bool = False
    keys: bool = False
    routes: bool = False


@dataclass
class WirePlan:
    path: str = ""  # relative path of the wire module (empty: no layer)
    text: str = ""
    modules: dict[str, WireModule] = field(default_factory=dict)  # relative path -> request
    keys: list[tuple[str, str]] = field(default_factory=list)
    events: dict[str, str] = field(default_factory=dict)
    payload_keys: dict[str, str] = field(default_factory=dict)
    routes: dict[str, str] = field(default_factory=dict)


def literal_value(token: str) -> str | None:
    """The value of a literal as the wire sees it: ``{}`` where an f-string, ``%`` or format slot is."""
    match = _LITERAL.match(token.strip())
    if match is None:
        return None
    body, prefix = match.group("body"), match.group("prefix").lower()
    if "f" in prefix or "{" in body:
        body = _FIELD.sub("{}", body)
    body = _PERCENT.sub("{}", body)
    return body


def plan(analysis, the_plan, until: datetime.date, today: datetime.date) -> WirePlan:
    from . import wire
    from .deprecation import is_test_module

    result = WirePlan()
    changes = wire.changes(analysis, the_plan)
    if not changes:
        return result
    packages: dict[str, int] = {}
    kinds: dict[str, set[str]] = {}
    for change in changes:
        old, new = literal_value(change.old), literal_value(change.new)
        if old is None or new is None or old == new:
            continue
        module = analysis.project.module_of.get(analysis.root / change.path)
        if not module or is_test_module(module) or "." not in module and not change.path.endswith("__init__.py"):
            continue
        kinds.setdefault(change.path, set()).add(change.kind)
        top = module.split(".")[0]
        packages[top] = packages.get(top, 0) + 1
        if change.kind == "key":
            if (old, new) not in result.keys:
                result.keys.append((old, new))
        elif change.kind == "event":
            result.events.setdefault(old, new)
        elif change.kind == "payload-key":
            result.payload_keys.setdefault(old, new)
        elif change.kind == "route":
            result.routes.setdefault(old, new)
    if not packages:
        return result
    top = max(packages, key=lambda name: packages[name])
    package_dir = _package_dir(analysis, top)
    if package_dir is None:
        return result
    final_dir = _final(package_dir, the_plan.moves)
    result.path = f"{final_dir}/{WIRE_FILE}" if final_dir else WIRE_FILE
    for path, found in sorted(kinds.items()):
        module = analysis.project.module_of[analysis.root / path]
        if module.split(".")[0] != top:
            continue
        package = module if PurePosixPath(path).name == "__init__.py" else module.rpartition(".")[0]
        level = len(package.split("."))
        request = WireModule(import_line=f"from {'.' * level} import {MODULE_NAME}")
        request.payloads = bool(found & {"event", "payload-key"})
        request.keys = "key" in found
        request.routes = "route" in found
        result.modules[path] = request
    result.text = module_text(result, until, today)
    return result


def _package_dir(analysis, top: str) -> str | None:
    for path, module in analysis.project.module_of.items():
        if module == top and path.name == "__init__.py":
            try:
                return path.parent.relative_to(analysis.root).as_posix()
            except ValueError:
                return None
    return None


def _final(path: str, moves) -> str:
    for old, new in moves:
        if path == old:
            path = new
        elif path.startswith(old + "/"):
            path = new + path[len(old):]
    return path


def module_text(request: WirePlan, until: datetime.date, today: datetime.date) -> str:
    """The wire module a migrated package carries: the mapping, then the runtime."""
    from .wire_runtime import source

    runtime = source()
    start = runtime.index("# -- mapping (written by termshift migrate)")
    end = runtime.index("# -- end mapping --")
    lines = [
        "# -- mapping (written by termshift migrate) -------------------------------",
        "KEYS = [",
        *(f"    ({old!r}, {new!r})," for old, new in request.keys),
        "]",
        _dict("EVENTS", request.events),
        _dict("PAYLOAD_KEYS", request.payload_keys),
        _dict("ROUTES", request.routes),
        f'DEPRECATED_ON = "{today.isoformat()}"',
        f'SUNSET = "{until.isoformat()}"',
        "",
    ]
    header = markers.MODULE_TAG.format(date=until.isoformat()) + "\n"
    return header + runtime[:start] + "\n".join(lines) + runtime[end:]


def merged(existing: str, request: WirePlan, until: datetime.date, today: datetime.date) -> str:
    """The wire module again, for a later run (another stage): the mappings of both, the earlier migration day."""
    values: dict = {}
    try:
        for stmt in ast.parse(existing).body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
                    and stmt.targets[0].id in ("KEYS", "EVENTS", "PAYLOAD_KEYS", "ROUTES", "DEPRECATED_ON", "SUNSET"):
                values[stmt.targets[0].id] = ast.literal_eval(stmt.value)
    except (SyntaxError, ValueError):
        return module_text(request, until, today)
    combined = WirePlan(keys=[tuple(pair) for pair in values.get("KEYS", [])], events=dict(values.get("EVENTS", {})),
                        payload_keys=dict(values.get("PAYLOAD_KEYS", {})), routes=dict(values.get("ROUTES", {})))
    combined.keys += [pair for pair in request.keys if pair not in combined.keys]
    for mine, theirs in ((combined.events, request.events), (combined.payload_keys, request.payload_keys),
                         (combined.routes, request.routes)):
        for old, new in theirs.items():
            mine.setdefault(old, new)
    try:
        since = min(today, datetime.date.fromisoformat(values.get("DEPRECATED_ON", today.isoformat())))
        until = max(until, datetime.date.fromisoformat(values.get("SUNSET", until.isoformat())))
    except ValueError:
        pass
    return module_text(combined, until, since)


def _dict(name: str, mapping: dict[str, str]) -> str:
    if not mapping:
        return f"{name} = {{}}"
    return f"{name} = {{\n" + "".join(f"    {old!r}: {new!r},\n" for old, new in mapping.items()) + "}"


# -- the pieces in a module ---------------------------------------------------


def wrap_route_twin(twin: str, new_line: str) -> str:
    """``@app.route("/old")`` -> ``@_termshift_wire.old_route(app.route("/old"), "/old", "/new")``."""
    body = twin.strip()
    indent = twin[: len(twin) - len(twin.lstrip())]
    old_path, new_path = _first_string(body), _first_string(new_line.strip())
    if not body.startswith("@") or old_path is None or new_path is None:
        return twin
    return f"{indent}@{MODULE_NAME}.old_route({body[1:]}, {json.dumps(old_path)}, {json.dumps(new_path)})"


# URL-table entries whose view the wire wraps, by function name -> (path argument, view argument):
# Django's path()/re_path()/url(); aiohttp's web.get()/... and app.router.add_get()/...
_URL_TABLE = {
    "path": (0, 1), "re_path": (0, 1), "url": (0, 1),
    **{name: (0, 1) for name in ("get", "post", "put", "patch", "delete", "head", "view")},
    **{f"add_{name}": (0, 1) for name in ("get", "post", "put", "patch", "delete", "head", "view")},
    "route": (1, 2), "add_route": (1, 2),
}


def wrap_table_twin(twin: str, new_line: str) -> str:
    """``path("jobs/<pk>/", views.detail),`` -> the view wrapped: ``_termshift_wire.old_view(views.detail, …)``.

    aiohttp's ``web.post("/submit-job", handler)`` and ``app.router.add_post(…)`` alike.
    """
    body = twin.rstrip()
    trailing = "," if body.endswith(",") else ""
    expression = body[: len(body) - len(trailing)].strip()
    indent = twin[: len(twin) - len(twin.lstrip())]
    try:
        call = ast.parse(expression, mode="eval").body
        new_call = ast.parse(new_line.strip().rstrip(","), mode="eval").body
    except SyntaxError:
        return twin
    if not (isinstance(call, ast.Call) and isinstance(new_call, ast.Call)):
        return twin
    path_at, view_at = _URL_TABLE.get(getattr(call.func, "id", None) or getattr(call.func, "attr", None), (0, -1))
    if not (len(call.args) > view_at >= 0 and len(new_call.args) > path_at
            and all(isinstance(node.args[path_at], ast.Constant) and isinstance(node.args[path_at].value, str)
                    for node in (call, new_call))):
        return twin
    view = call.args[view_at]
    segment = ast.get_source_segment(expression, view)
    if segment is None:
        return twin
    old_path, new_path = call.args[path_at].value, new_call.args[path_at].value
    wrapped = f"{MODULE_NAME}.old_view({segment}, {json.dumps(old_path)}, {json.dumps(new_path)})"
    start = _offset(expression, view.lineno, view.col_offset)
    end = _offset(expression, view.end_lineno, view.end_col_offset)
    return indent + expression[:start] + wrapped + expression[end:] + trailing


def _offset(text: str, line: int, column: int) -> int:
    lines = text.splitlines(keepends=True)
    return sum(len(item) for item in lines[: line - 1]) + len(lines[line - 1].encode()[:column].decode())


def _first_string(text: str) -> str | None:
    try:
        tree = ast.parse(text.lstrip("@"), mode="eval")
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("/"):
            return node.value
    return None


# Commands that other objects have too: a dict's `get` and `keys`, a config parser's `set`, a
# path's `exists`, an HTTP session's `delete`, a model's `eval`, an MQTT client's `publish`, a
# statsd client's `incr`, a DynamoDB table's `scan`. Alone they don't make an attribute a Redis
# client: wrapped, a dict would stop being one.
_SHARED_COMMANDS = frozenset({"get", "set", "delete", "exists", "keys", "type", "lock", "pipeline", "eval",
                              "publish", "incr", "incrby", "decr", "expire", "persist", "scan"})


def clients(text: str) -> list[tuple[str, str]]:
    """(class, attribute) pairs: the attributes of a class that hold a Redis(-like) client, told by
    the commands its methods call on them (``self.redis.lpush(...)``). An attribute called only
    with commands other objects have too (`_SHARED_COMMANDS`) counts when its name or what is
    assigned to it, or its annotation, says Redis (``self.store = redis.Redis(...)``)."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return []
    found: list[tuple[str, str]] = []
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        shared: list[str] = []
        for call in ast.walk(node):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                    and call.func.attr in CLIENT_COMMANDS):
                continue
            target = call.func.value
            if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self":
                if call.func.attr not in _SHARED_COMMANDS:
                    found.append((node.name, target.attr))
                else:
                    shared.append(target.attr)
        said = _said_redis(node) if shared else set()
        found += [(node.name, attribute) for attribute in shared if "redis" in attribute.lower() or attribute in said]
    return list(dict.fromkeys(found))


def _said_redis(node: ast.ClassDef) -> set[str]:
    """The attributes of `self` whose assigned value or annotation spells Redis, or that are assigned
    a parameter whose annotation does (`def __init__(self, conn: Redis): self.conn = conn`)."""
    said: set[str] = set()
    typed = {arg.arg for function in ast.walk(node) if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
             for arg in (*function.args.args, *function.args.kwonlyargs)
             if arg.annotation is not None and "redis" in ast.unparse(arg.annotation).lower()}
    for statement in ast.walk(node):
        if isinstance(statement, ast.Assign):
            targets, spelled = statement.targets, [statement.value]
        elif isinstance(statement, ast.AnnAssign):
            targets, spelled = [statement.target], [statement.annotation, statement.value]
        else:
            continue
        if any(part is not None and ("redis" in ast.unparse(part).lower()
                                     or isinstance(part, ast.Name) and part.id in typed) for part in spelled):
            said |= {target.attr for target in targets if isinstance(target, ast.Attribute)
                     and isinstance(target.value, ast.Name) and target.value.id == "self"}
    return said


def add_pieces(text: str, request: WireModule, until: datetime.date, newline: str = "\n") -> str:
    """`text` with its import line and its block (when it needs one, or has a wrapped route twin)."""
    from termshift.codemods.compat import splice_block

    calls = []
    if request.payloads:
        calls.append(f"{MODULE_NAME}.payloads(globals())\n")
    if request.keys:
        calls += [f'{MODULE_NAME}.storage({owner}, "{attribute}")\n' for owner, attribute in clients(text)]
    uses_routes = f"@{MODULE_NAME}.old_route(" in text or f"{MODULE_NAME}.old_view(" in text
    if not calls and not uses_routes:
        return text
    if calls:
        body = "# Old and new code share the wire until the date above (TERMSHIFT_PHASE);\n" \
               "# `termshift cleanup` removes this block, and only it.\n" + "".join(calls)
        text = splice_block(text, body, until, newline)
    return _insert_import(text, request.import_line + markers.LINE_TAG.format(date=until.isoformat()), newline)


def _insert_import(text: str, line: str, newline: str) -> str:
    tree = ast.parse(text)
    after = 0
    for stmt in tree.body:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            after = stmt.end_lineno
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and after == 0:
            after = stmt.end_lineno
        else:
            break
    lines = text.splitlines(keepends=True)
    if after and after <= len(lines) and not lines[after - 1].endswith(("\n", "\r")):
        lines[after - 1] += newline
    lines.insert(after, line + newline)
    return "".join(lines)
