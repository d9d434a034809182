"""The wire transition layer's runtime: what `migrate` writes into a project as ONE module.

A migrated package carries ``<package>/_termshift_wire.py``: the mapping its
analysis found, then this runtime, standard library only. Here the runtime is
written in chapters, the ``part_*.py`` files beside this one, read in
`CHAPTERS` order; `source()` joins them into the module text the generator
writes, and this package executes that very text, so termshift's tests run
exactly what a project runs.

A chapter uses the names of the chapters before it and imports none of them
(in the project they are one module). Never import a chapter by itself.
"""

from __future__ import annotations

import linecache
from pathlib import Path

CHAPTERS = (
    "part_mapping.py",  # the docstring of the generated module, imports, the mapping, the phase switch
    "part_payloads.py",  # event types and payload keys in both forms; wrapping a module's functions
    "part_dual_send.py",  # webhooks: each event delivered in every form of the phase
    "part_routes.py",  # HTTP: old routes in the old vocabulary, with the deprecation headers
    "part_keys.py",  # storage: key and value forms, scripts
    "part_storage.py",  # storage: strings, counters, lists (queues), sets, hashes, scripts
    "part_storage_more.py",  # storage: moves and blocking pops, sorted sets, streams
    "part_clients.py",  # storage: KeyClient / AsyncKeyClient, the slot that wraps a class's client
    "part_transactions.py",  # storage: pipelines and MULTI/EXEC
)

_HERE = Path(__file__).parent


def source() -> str:
    """The runtime as the one module a project carries (its mapping still empty)."""
    texts = [(_HERE / name).read_text(encoding="utf-8").strip("\n") for name in CHAPTERS]
    return "\n\n\n".join(texts) + "\n"


def _load() -> None:
    text = source()
    filename = str(_HERE / "_termshift_wire.py")  # as a project would see it: one module
    linecache.cache[filename] = (len(text), None, text.splitlines(keepends=True), filename)
    exec(compile(text, filename, "exec", dont_inherit=True), globals())  # noqa: S102 - our own text


_load()
