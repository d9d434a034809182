"""TSH201 storage-key."""

from __future__ import annotations

from termshift.rule import LITERALS_PENDING, Invalid, Rule, Valid


class StorageKey(Rule):
    """
    ## What it does
    Flags a storage key that spells the legacy term: `"job:{id}"`,
    `"jobs:pending"`, in plain strings, f-strings, `%` and `format`
    templates, and in scripts embedded in strings (Lua for Redis).

    ## Why is this bad?
    Keys are the vocabulary written into data. Code that reads `step:…`
    while the store still holds `job:…` finds nothing, so a key left behind
    is either a bug waiting for the rename or a reason the rename never
    happens.

    ## Example
    ```python
    redis.lpush("jobs:pending", job_id)
    ```

    ## Use instead
    ```python
    redis.lpush("steps:pending", step_id)
    ```

    ## Fix
    The `keys` stage of `termshift check --fix` / `termshift migrate`
    rewrites the key in code. The data already stored under the old key is
    not moved: every changed key is reported so that a data migration can
    follow.
    """

    code = "TSH201"
    name = "storage-key"
    severity = "error"
    summary = "A storage key spells the legacy term"
    fixable = True
    VALID = [
        Valid('def push(redis, item):\n    redis.lpush("steps:pending", item)\n'),
    ]
    INVALID = [
        Invalid('def push(redis, item):\n    redis.lpush("jobs:pending", item)\n', at=("app.py:2:18",), xfail=LITERALS_PENDING),
        Invalid('def key(item_id):\n    return f"job:{item_id}"\n', at=("app.py:2:14",), xfail=LITERALS_PENDING),
    ]

    @staticmethod
    def message(site) -> str:
        return f"storage key {site.old!r} spells the legacy term: it becomes {site.new!r} (migrate the stored data too)"
