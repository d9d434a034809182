"""Values in the new vocabulary: field names of JSON documents and hashes, and nothing else.

The code `migrate` rewrote reads `data["step_id"]` where it read
`data["job_id"]`, so a stored document's field names change with it; its
values (an id such as `"job-1f3a"`, an event type, free text) are data and
stay byte for byte. A document is rewritten in place, token by token, so
spacing, key order, number spelling and escapes survive exactly.

Pure functions: bytes in, bytes out.
"""

from __future__ import annotations

import json
import re
from typing import Mapping

_SPACE = b" \t\r\n"


def _keys(tokens) -> "re.Pattern[bytes]":
    """Any of these JSON strings as an object key."""
    alternatives = b"|".join(re.escape(token) for token in sorted(tokens, key=len, reverse=True))
    return re.compile(rb"(?<!\\)(" + (alternatives or b"(?!)") + rb")(?=[ \t\r\n]*:)")


class NotJson(ValueError):
    """A value that looks like a JSON document (it starts with `{` or `[`) but isn't one."""


class FieldClash(ValueError):
    """A document or hash that already has both the old and the new name of a field."""


class Fields:
    """The field renames, ready for bytes."""

    def __init__(self, names: Mapping[str, str]):
        self.names = dict(names)
        self.raw = {old.encode(): new.encode() for old, new in names.items()}
        self._json = {json.dumps(old).encode(): json.dumps(new).encode() for old, new in names.items()}
        self._needles = tuple(self._json)
        self._old_keys = _keys(self._json)
        self._new_keys = _keys(self._json.values()) if names else re.compile(rb"(?!)")

    def __bool__(self) -> bool:
        return bool(self.names)

    def document(self, value: bytes) -> bytes:
        """A string value with its JSON field names renamed; any other string as it is.

        Raises NotJson for a value that starts like a document and doesn't
        parse, when it may spell an old field name (it can't be translated
        safely, and copying it unchanged would keep the old vocabulary).
        """
        start = value.lstrip(_SPACE)[:1]
        if start not in (b"{", b"[") or not any(needle in value for needle in self._needles):
            return value
        try:
            json.loads(value)
        except (ValueError, UnicodeDecodeError) as error:
            raise NotJson(f"not a JSON document ({str(error).split(':')[0]})") from None
        # In a valid document a quote that no backslash precedes starts or ends a string, and a string
        # followed by a colon is an object key: so this finds the keys, never text inside a value.
        translated = self._old_keys.sub(lambda match: self._json[match.group(1)], value)
        if translated is not value and translated != value and self._new_keys.search(value):
            raise FieldClash("has both an old and a new field name")
        return translated

    def hash(self, fields: Mapping[bytes, bytes]) -> dict[bytes, bytes]:
        """A hash's fields renamed (values as they are)."""
        out = {self.raw.get(name, name): value for name, value in fields.items()}
        if len(out) != len(fields):
            raise FieldClash("has both an old and a new field name")
        return out

