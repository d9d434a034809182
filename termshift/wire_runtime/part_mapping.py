"""The wire transition layer a migrated project carries during the deprecation period.

`termshift migrate` writes this file, with the mapping its analysis found,
as ``<package>/_termshift_wire.py``; the project's modules use it through
small marked pieces, and ``termshift cleanup`` deletes it with them. It
needs nothing but the standard library: never termshift, LibCST or click.

Which form of the wire is spoken follows ``TERMSHIFT_PHASE``, read at run
time: ``dual-write`` (default), ``prefer-new``, ``new-only``.

- storage: a wrapper around the project's Redis(-like) client; new code
  writes records in both key forms (the old copy with old document field
  names), reads them in the phase's order; queues are never doubled: an item
  lives in one list, pushed to the old list while old code may run, popped
  from both, so it is processed once whoever pops it. Sorted sets and
  streams are records with one authoritative copy per phase; transactions
  stay one MULTI/EXEC; what can't be done right on a renamed key is refused
  (``WireRefused``), never half done.
- webhooks: a payload new code builds carries both forms (both key sets, a
  type equal to both spellings) and lists them in ``payload.forms``; the
  HTTP clients of a module that builds payloads deliver each event once per
  form (dual-send); payload readers accept old event types and old keys.
- HTTP: the old route's handler translates old request keys to new ones and
  the response back, and answers with ``Deprecation``, ``Sunset`` and
  ``Link: <new>; rel="successor-version"``; each use is logged (logger
  ``termshift.deprecated``) and counted (``usage()``).
"""

from __future__ import annotations

import calendar
import datetime
import email.utils
import functools
import inspect
import json
import logging
import os
import re
import threading
from collections import Counter

# -- mapping (written by termshift migrate) -------------------------------
KEYS: list = []  # [(old pattern, new pattern)], "{}" where the key holds a value (an id)
EVENTS: dict = {}  # old event type -> new
PAYLOAD_KEYS: dict = {}  # old payload / document key -> new
ROUTES: dict = {}  # old path -> new path
DEPRECATED_ON = "1970-01-01"  # the day of the migration
SUNSET = "1970-01-01"  # the removal date
# -- end mapping --

PHASE_ENV = "TERMSHIFT_PHASE"
DUAL_WRITE, PREFER_NEW, NEW_ONLY = "dual-write", "prefer-new", "new-only"
PHASES = (DUAL_WRITE, PREFER_NEW, NEW_ONLY)

deprecated_log = logging.getLogger("termshift.deprecated")


def phase() -> str:
    """The phase now: read at every call, so a restart with a new value switches it."""
    value = os.environ.get(PHASE_ENV, "").strip().lower() or DUAL_WRITE
    return value if value in PHASES else DUAL_WRITE  # an unknown value keeps old readers working
