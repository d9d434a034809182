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
  from both, so it is processed once whoever pops it.
- webhooks: payload builders hand out the old form (dual-write) or the new
  form, with every form to deliver in ``payload.forms``; payload readers
  accept old event types and old keys (translated to the new ones).
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


# -- words: payload keys and event types ------------------------------------


def _inverse(mapping: dict) -> dict:
    return {new: old for old, new in mapping.items()}


class WireStr(str):
    """An event type that equals both its spellings: the text is the form sent first, the hash the new one's.

    New code compares with the new spelling, old code with the old one; both
    match. Serialised, it is its text. A set or dict keyed by plain strings of
    the old spelling doesn't find it (the hash can be only one spelling's).
    """

    other = ""
    new = ""

    def __eq__(self, other):
        return str.__eq__(self, other) or (isinstance(other, str) and str.__eq__(self.other, other))

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return str.__hash__(self.new)


def _both(text: str, other: str, new: str) -> WireStr:
    value = WireStr(text)
    value.other, value.new = other, new
    return value


def wire_str(new: str) -> str:
    """The new event type, also equal to its old spelling until new-only."""
    old = _inverse(EVENTS).get(new)
    if old is None or phase() == NEW_ONLY:
        return new
    return _both(new, old, new)


def _plain_type(value):
    return str.__str__(value) if isinstance(value, WireStr) else value


def to_new(value):
    """A copy with old payload keys and old event types in their new form (other values as they are)."""
    return _translate(value, PAYLOAD_KEYS, EVENTS)


def to_old(value):
    """A copy with new payload keys and event types in their old form."""
    return _translate(value, _inverse(PAYLOAD_KEYS), _inverse(EVENTS))


def _translate(value, keys: dict, events: dict):
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if isinstance(key, bytes):
                text = key.decode("utf-8", "surrogateescape")
                new_key = keys[text].encode("utf-8", "surrogateescape") if text in keys else key
            else:
                new_key = keys.get(key, key) if isinstance(key, str) else key
            item = _translate(item, keys, events)
            if key == "type" and isinstance(item, str):
                item = events.get(_plain_type(item), _plain_type(item))
            out[new_key] = item
        return out
    if isinstance(value, (list, tuple)):
        return type(value)(_translate(item, keys, events) for item in value) if isinstance(value, list) \
            else tuple(_translate(item, keys, events) for item in value)
    return _plain_type(value)


def _has_keys(value, keys) -> bool:
    if isinstance(value, dict):
        return any(key in keys for key in value) or any(_has_keys(item, keys) for item in value.values())
    if isinstance(value, (list, tuple)):
        return any(_has_keys(item, keys) for item in value)
    return False


class WireDict(dict):
    """A document in one form that answers reads of its keys in the other form too."""

    def _other(self, key):
        return PAYLOAD_KEYS.get(key) or _inverse(PAYLOAD_KEYS).get(key)

    def __missing__(self, key):
        other = self._other(key) if isinstance(key, str) else None
        if other is not None and dict.__contains__(self, other):
            return dict.__getitem__(self, other)
        raise KeyError(key)

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def __contains__(self, key):
        if dict.__contains__(self, key):
            return True
        other = self._other(key) if isinstance(key, str) else None
        return other is not None and dict.__contains__(self, other)


class WirePayload(WireDict):
    """An outgoing event payload built by new code: the event in every form the phase sends.

    Until new-only it carries both key sets (the phase's first form, then the
    other form's keys) and its ``type`` equals both spellings, so old and new
    code reading it in the process, and an old or a new consumer reading it
    serialised, each find their keys; it is equal to each of its forms.
    ``forms`` is every form to deliver separately (dual-send), first form first.
    """

    forms: list = []

    def __eq__(self, other):
        if isinstance(other, dict) and not isinstance(other, WirePayload) and self.forms:
            return any(form == other for form in self.forms)
        return dict.__eq__(self, other)

    def __ne__(self, other):
        return not self.__eq__(other)

    __hash__ = None


def _wire_dict(value):
    if isinstance(value, dict):
        result = WireDict((key, _wire_dict(item)) for key, item in value.items())
        return result
    if isinstance(value, list):
        return [_wire_dict(item) for item in value]
    return value


def forms(payload) -> list:
    """Every form of an outgoing payload to send now (just the payload when it isn't one of ours)."""
    return list(getattr(payload, "forms", None) or [payload])


def _event_payload(value) -> bool:
    if not isinstance(value, dict) or "type" not in value:
        return False
    kind = value["type"]
    return isinstance(kind, str) and (kind in EVENTS or kind in EVENTS.values())


def outgoing(payload: dict) -> WirePayload:
    """An event payload built by new code: old form first in dual-write, new first in prefer-new, new only after."""
    new = to_new(payload)
    old = to_old(new)
    now = phase()
    if now == NEW_ONLY:
        result = WirePayload(_wire_dict(new))
        result.forms = [new]
        return result
    order = [old, new] if now == DUAL_WRITE else [new, old]
    result = WirePayload(_union(*order))
    result.forms = order
    return result


def _union(first, second):
    """`first` with the keys of `second` it lacks: both forms of one document, as a dict reading both.

    A key both forms share holds the union of their values; a renamed key
    holds its own form's value (``job_data`` old keys, ``step_data`` new ones).
    """
    if isinstance(first, dict) and isinstance(second, dict):
        merged = WireDict()
        for key, item in first.items():
            merged[key] = _union(item, second[key]) if key in second else _wire_dict(item)
        for key, item in second.items():
            if not dict.__contains__(merged, key):
                merged[key] = _wire_dict(item)
        kinds = first.get("type"), second.get("type")
        if all(isinstance(kind, str) for kind in kinds) and kinds[0] != kinds[1]:
            new = kinds[0] if kinds[0] in EVENTS.values() else kinds[1]
            merged["type"] = _both(kinds[0], kinds[1], new)
        return merged
    if isinstance(first, list) and isinstance(second, list) and len(first) == len(second):
        return [_union(a, b) for a, b in zip(first, second)]
    return _wire_dict(first)


def incoming(value):
    """An event payload from outside (a dict or its JSON text) with old types and keys made new."""
    if isinstance(value, (str, bytes)) and value[:1] in ("{", b"{"):
        try:
            data = json.loads(value)
        except ValueError:
            return value, False
        if _event_payload(data):
            return json.dumps(to_new(data)), True
        return value, False
    if _event_payload(value):
        return _wire_dict(to_new(value)), True
    if isinstance(value, dict) and not isinstance(value, WireDict) and _has_keys(value, PAYLOAD_KEYS):
        return _wire_dict(to_new(value)), False
    return value, False


def _wrap(function):
    """`function` reading payloads in the new form and handing out what it builds in the phase's forms.

    A coroutine function stays one (frameworks tell handlers apart by it).
    """
    if getattr(function, "__termshift_wire__", False):
        return function

    if inspect.iscoroutinefunction(function):
        @functools.wraps(function)
        async def wire_async(*args, **kwargs):
            args, kwargs, consumed = _arguments_in(args, kwargs)
            return _result_out(await function(*args, **kwargs), consumed)

        wire_async.__termshift_wire__ = True
        return wire_async

    @functools.wraps(function)
    def wire(*args, **kwargs):
        args, kwargs, consumed = _arguments_in(args, kwargs)
        return _result_out(function(*args, **kwargs), consumed)

    wire.__termshift_wire__ = True
    return wire


def _arguments_in(args, kwargs):
    consumed = False
    new_args = []
    for value in args:
        value, hit = incoming(value)
        consumed |= hit
        new_args.append(value)
    for name, value in list(kwargs.items()):
        kwargs[name], hit = incoming(value)
        consumed |= hit
    return new_args, kwargs, consumed


def _result_out(result, consumed: bool):
    if not consumed and _event_payload(result):
        return outgoing(result)
    if isinstance(result, dict) and not isinstance(result, WireDict) and _has_keys(
            result, set(PAYLOAD_KEYS.values())):
        return _wire_dict(result)
    return result


def payloads(namespace: dict) -> None:
    """Make a module's functions and methods speak both forms of the payloads they build and read.

    Payload builders (a function that returns an event payload without being
    given one) hand out the phase's form; readers get old types and keys in
    the new form; returned documents answer old key names too. Event classes'
    ``type`` attributes equal both spellings. The HTTP clients the module
    sends with (urllib.request, requests, httpx) deliver an event payload once
    per form of the phase (dual-send).
    """
    module = namespace.get("__name__")
    _transports(namespace)
    getter = namespace.get("__getattr__")
    if getter is not None and "_COMPAT_OLD_NAMES" in namespace and not getattr(getter, "__termshift_wire__", False):
        namespace["__getattr__"] = _old_name_values(getter)
    for name, value in list(namespace.items()):
        if name.startswith("_") or getattr(value, "__module__", None) != module:
            continue
        if inspect.isfunction(value):
            namespace[name] = _wrap(value)
        elif inspect.isclass(value):
            _wrap_class(value)


# -- webhooks: dual-send where the module sends ----------------------------

send_log = logging.getLogger("termshift.wire")
FORM_HEADER = "Termshift-Event-Form"  # "old" or "new": which form a dual-sent delivery is

# module name -> {attribute: what it is}: a sending function, or a module to look into.
_SENDERS = {
    "urllib": {"request": "urllib.request"},
    "urllib.request": {"urlopen": "send"},
    "requests": {"post": "send", "put": "send", "patch": "send", "request": "send"},
    "httpx": {"post": "send", "put": "send", "patch": "send", "request": "send"},
}


class _Transport:
    """A sending module as the wired module sees it: its sending functions dual-send, the rest is the module."""

    def __init__(self, module) -> None:
        self.__dict__["_module"] = module

    def __getattr__(self, name):
        value = getattr(self._module, name)
        role = _SENDERS.get(self._module.__name__, {}).get(name)
        if role == "send":
            return _dual_sender(value)
        if role is not None:
            return _Transport(value)
        return value

    def __repr__(self):
        return f"<dual-send view of {self._module!r}>"


def _transports(namespace: dict) -> None:
    import sys

    senders = {}
    for module_name, members in _SENDERS.items():
        module = sys.modules.get(module_name)
        for member, role in members.items():
            if module is not None and role == "send" and hasattr(module, member):
                senders[id(getattr(module, member))] = getattr(module, member)
    for name, value in list(namespace.items()):
        if inspect.ismodule(value) and value.__name__ in _SENDERS:
            namespace[name] = _Transport(value)
        elif id(value) in senders and senders[id(value)] is value:
            namespace[name] = _dual_sender(value)


def _dual_sender(send):
    if getattr(send, "__termshift_wire__", False):
        return send

    @functools.wraps(send)
    def dual_send(*args, **kwargs):
        return _deliver(send, args, kwargs)

    dual_send.__termshift_wire__ = True
    return dual_send


def _event_body(value):
    """(the event payload in `value`, how to put a form back in its shape), or None when it carries none."""
    if isinstance(value, dict):
        return (value, lambda form: form) if _event_payload(value) else None
    if isinstance(value, (str, bytes, bytearray)):
        raw = bytes(value) if isinstance(value, bytearray) else value
        if raw[:1] not in ("{", b"{"):
            return None
        try:
            data = json.loads(raw)
        except ValueError:
            return None
        if not _event_payload(data):
            return None
        return data, (lambda form: json.dumps(form).encode()) if isinstance(raw, bytes) else json.dumps
    data = getattr(value, "data", None)  # urllib.request.Request
    if data is not None and hasattr(value, "full_url") and hasattr(value, "add_header"):
        found = _event_body(data)
        if found is not None:
            return found[0], lambda form: _request_with(value, found[1](form))
    return None


def _request_with(request, body):
    import copy

    clone = copy.copy(request)
    clone.headers, clone.unredirected_hdrs = dict(request.headers), dict(request.unredirected_hdrs)
    clone.data = body  # drops a Content-length set for the original body
    return clone


def _with_form_header(send, value, kwargs: dict, name: str) -> None:
    """Say which form a dual-sent delivery is, where the call takes headers (a Request, ``headers=``)."""
    if hasattr(value, "full_url") and hasattr(value, "add_header"):
        value.add_header(FORM_HEADER, name)
    elif (getattr(send, "__module__", "") or "").startswith(("requests", "httpx")):
        kwargs["headers"] = {**dict(kwargs.get("headers") or {}), FORM_HEADER: name}


def _accepted(response) -> bool:
    status = getattr(response, "status_code", None) or getattr(response, "status", None)
    return not isinstance(status, int) or status < 400


def _deliver(send, args, kwargs):
    """One call of a sending function, once per form of the event payload it carries (dual-send).

    A delivery counts as done when any form was accepted (a consumer rejects
    the form it doesn't know); its response is returned. When none was, the
    first form's response is returned or its error raised.
    """
    for where, value in [*enumerate(args), *kwargs.items()]:
        found = _event_body(value)
        if found is not None:
            break
    else:
        return send(*args, **kwargs)
    document, shape = found
    new = to_new(document)
    now = phase()
    if now == NEW_ONLY:
        forms = [("new", new)]
    else:
        forms = [("old", to_old(new)), ("new", new)]
        if now == PREFER_NEW:
            forms.reverse()
    outcomes = []
    for name, form in forms:
        call_args, call_kwargs = list(args), dict(kwargs)
        body = shape(form)
        if isinstance(where, int):
            call_args[where] = body
        else:
            call_kwargs[where] = body
        if len(forms) > 1:
            _with_form_header(send, body, call_kwargs, name)
        try:
            response = send(*call_args, **call_kwargs)
        except Exception as error:  # noqa: BLE001 - the other form may be the one the consumer takes
            send_log.info("%s form of %s not accepted: %s", name, form.get("type"), error)
            outcomes.append((False, error, True))
            continue
        if _accepted(response):
            for _, earlier, _ in outcomes:
                _close(earlier)
            return response
        send_log.info("%s form of %s not accepted: status %s", name, form.get("type"),
                      getattr(response, "status_code", None) or getattr(response, "status", None))
        outcomes.append((False, response, False))
    first, raised = outcomes[0][1], outcomes[0][2]
    for _, later, _ in outcomes[1:]:
        _close(later)
    if raised:
        raise first
    return first


def _close(value) -> None:
    close = getattr(value, "close", None)
    if callable(close):
        try:
            close()
        except Exception:  # noqa: BLE001
            pass


def _old_constant(value):
    """An event type (or a collection of them) in the old spelling that still equals, and hashes as, the new one."""
    old = _inverse(EVENTS)

    def one(item):
        plain = _plain_type(item)
        return _both(old[plain], plain, plain) if isinstance(item, str) and plain in old else item

    if isinstance(value, str):
        return one(value)
    if isinstance(value, (tuple, list, set, frozenset)) and any(
            isinstance(item, str) and _plain_type(item) in old for item in value):
        return type(value)(one(item) for item in value)
    return value


def _old_name_values(getter):
    """A module's deprecated old names (compat's ``__getattr__``) give constants of event types in the old form.

    Old code compares what it receives with them, and receives the old form
    until new-only.
    """

    @functools.wraps(getter)
    def old_names(name):
        value = getter(name)
        return value if phase() == NEW_ONLY else _old_constant(value)

    old_names.__termshift_wire__ = True
    return old_names


def _wrap_class(cls) -> None:
    import enum

    for name, member in list(vars(cls).items()):
        if isinstance(member, str) and member in EVENTS.values():
            setattr(cls, name, wire_str(member))
    if issubclass(cls, (dict, enum.Enum, BaseException)):
        return
    for name, member in list(vars(cls).items()):
        if name.startswith("_"):
            continue
        if isinstance(member, classmethod) and inspect.isfunction(member.__func__):
            setattr(cls, name, classmethod(_wrap(member.__func__)))
        elif isinstance(member, staticmethod) and inspect.isfunction(member.__func__):
            setattr(cls, name, staticmethod(_wrap(member.__func__)))
        elif inspect.isfunction(member):
            setattr(cls, name, _wrap(member))


# -- HTTP: old routes -------------------------------------------------------

_usage: Counter = Counter()
_usage_lock = threading.Lock()


def usage() -> dict:
    """How often each old route was called since the process started: {old path: count}."""
    with _usage_lock:
        return dict(_usage)


def _timestamp(day: str) -> int:
    return calendar.timegm(datetime.date.fromisoformat(day).timetuple())


def deprecation_headers(new_path: str) -> dict:
    return {
        "Deprecation": f"@{_timestamp(DEPRECATED_ON)}",
        "Sunset": email.utils.formatdate(_timestamp(SUNSET), usegmt=True),
        "Link": f'<{new_path}>; rel="successor-version"',
    }


def _fill(path: str, values: dict) -> str:
    return re.sub(r"[{<](?:\w+:)?(\w+)(?::\w+)?[}>]", lambda m: str(values.get(m.group(1), m.group(0))), path)


def _record(old_path: str, new_path: str) -> None:
    with _usage_lock:
        _usage[old_path] += 1
    deprecated_log.warning("deprecated route %s called; its successor is %s (removed after %s)",
                           old_path, new_path, SUNSET)


class OldRouteResponse(dict):
    """A plain router's response on an old route: the old body, with the deprecation headers."""

    headers: dict = {}


def old_route(register, old_path: str, new_path: str):
    """Register a handler's old-path twin so that it serves old clients in the old vocabulary.

    ``register`` is the framework's own decorator for the old path; the
    handler itself is returned unchanged for the new route's decorator.
    """

    def decorator(handler):
        twin = _framework(register, handler)(handler, old_path, new_path)
        if isinstance(twin, _Deferred):
            twin.register(handler)
        else:
            register(twin)
        return handler

    return decorator


def _framework(register, handler):
    origin = getattr(register, "__module__", "") or ""
    if origin.startswith("flask"):
        return _flask_twin
    if origin.startswith(("fastapi", "starlette")):
        return functools.partial(_asgi_twin, register)
    if origin.startswith("aiohttp"):
        return _aiohttp_twin
    return _plain_twin


def old_view(view, old_path: str, new_path: str):
    """The view of an old URL-table entry (Django ``path()``, aiohttp ``web.post()`` / ``add_post()``).

    It serves the old vocabulary: the JSON body made new, the JSON response
    made old, the deprecation headers. The framework is told by the request
    the view is called with.
    """
    if inspect.iscoroutinefunction(view):
        @functools.wraps(view)
        async def old_vocabulary_async(request, *args, **kwargs):
            if type(request).__module__.startswith("aiohttp"):
                return await _aiohttp_old(view, request, old_path, new_path)
            _record(old_path, new_path)
            _django_request_in(request)
            return _django_response_out(await view(request, *args, **kwargs), new_path, kwargs)

        return old_vocabulary_async

    @functools.wraps(view)
    def old_vocabulary(request, *args, **kwargs):
        _record(old_path, new_path)
        _django_request_in(request)
        return _django_response_out(view(request, *args, **kwargs), new_path, kwargs)

    return old_vocabulary


def _django_request_in(request) -> None:
    if "json" in request.META.get("CONTENT_TYPE", ""):
        try:
            data = json.loads(request.body or b"null")
        except ValueError:
            data = None
        if isinstance(data, (dict, list)):
            request._body = json.dumps(to_new(data)).encode()


def _django_response_out(response, new_path: str, kwargs: dict):
    if "json" in (response.get("Content-Type") or "") and not getattr(response, "streaming", False):
        try:
            response.content = json.dumps(to_old(json.loads(response.content))).encode()
        except ValueError:
            pass
    link = "/" + _fill(new_path, kwargs).lstrip("^/").rstrip("$")
    for name, value in deprecation_headers(link).items():
        response[name] = value
    return response


def _aiohttp_twin(handler, old_path, new_path):
    async def old_vocabulary(request):
        return await _aiohttp_old(handler, request, old_path, new_path)

    functools.update_wrapper(old_vocabulary, handler)
    return old_vocabulary


async def _aiohttp_old(handler, request, old_path: str, new_path: str):
    """aiohttp: the body read once and handed to the handler in the new keys; the response (or the
    HTTP error raised) in the old keys, with the headers."""
    from aiohttp import web

    _record(old_path, new_path)
    if "json" in (request.content_type or "") and request.can_read_body:
        raw = await request.read()
        try:
            data = json.loads(raw)
        except ValueError:
            data = None
        if isinstance(data, (dict, list)):
            request._read_bytes = json.dumps(to_new(data)).encode()  # what request.json() / text() read
    headers = deprecation_headers(_fill(new_path, dict(request.match_info)))
    try:
        response = await handler(request)
    except web.HTTPException as error:
        _aiohttp_old_body(error)
        error.headers.update(headers)
        raise
    _aiohttp_old_body(response)
    response.headers.update(headers)
    return response


def _aiohttp_old_body(response) -> None:
    body = getattr(response, "body", None)
    if isinstance(body, (bytes, bytearray)) and body and "json" in (response.content_type or ""):
        try:
            response.body = json.dumps(to_old(json.loads(body))).encode()
        except ValueError:
            pass


def _plain_twin(handler, old_path, new_path):
    """Routers that call handlers with keyword arguments and take dicts back (minirouter and the like)."""

    @functools.wraps(handler)
    def old_vocabulary(*args, **kwargs):
        _record(old_path, new_path)
        headers = deprecation_headers(_fill(new_path, kwargs))
        args = [to_new(value) if isinstance(value, dict) else value for value in args]
        kwargs = {name: to_new(value) if isinstance(value, dict) else value for name, value in kwargs.items()}
        try:
            result = handler(*args, **kwargs)
        except Exception as error:
            try:
                error.headers = headers
            except AttributeError:
                pass
            raise
        if isinstance(result, (dict, list)):
            body = to_old(result)
            if isinstance(body, dict):
                response = OldRouteResponse(body)
                response.headers = headers
                return response
            return body
        return result

    return old_vocabulary


def _flask_twin(handler, old_path, new_path):
    import flask

    def old_vocabulary(*args, **kwargs):
        _record(old_path, new_path)
        request = flask.request
        if request.is_json:
            data = request.get_json(silent=True)
            if isinstance(data, (dict, list)):
                translated = to_new(data)
                request._cached_json = (translated, translated)
        response = flask.make_response(handler(*args, **kwargs))
        if response.is_json:
            response.set_data(json.dumps(to_old(response.get_json())))
        response.headers.update(deprecation_headers(_fill(new_path, kwargs)))
        return response

    functools.update_wrapper(old_vocabulary, handler)
    old_vocabulary.__name__ = f"{handler.__name__}__deprecated"  # Flask's endpoint: not the new route's
    return old_vocabulary


def _asgi_twin(register, handler, old_path, new_path):
    """FastAPI / Starlette: the handler registers as it is; the old route's ASGI app is wrapped.

    The body is translated before the framework validates it, the response
    after it is rendered, so models, dependencies and status codes stay the
    framework's.
    """
    router = next((cell.cell_contents for cell in (register.__closure__ or ())
                   if hasattr(cell.cell_contents, "routes")), None)
    if router is None:
        return handler
    router = getattr(router, "router", router)
    before = list(router.routes)

    class Registered:
        def __call__(self, function):
            register(function)
            for route in router.routes:
                if route not in before and getattr(route, "path", None) == old_path:
                    route.app = _asgi_old_vocabulary(route.app, old_path, new_path)
            return function

    return _Deferred(Registered(), handler)


class _Deferred:
    """What `old_route` registers for ASGI frameworks: registering itself wraps the route it made."""

    def __init__(self, register, handler):
        self.register, self.handler = register, handler


def _asgi_old_vocabulary(app, old_path, new_path):
    async def old_vocabulary(scope, receive, send):
        if scope.get("type") != "http":
            return await app(scope, receive, send)
        _record(old_path, new_path)
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        try:
            body = json.dumps(to_new(json.loads(body))).encode() if body else body
        except ValueError:
            pass
        sent = False

        async def replay():
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        start, parts = None, []

        async def translate(message):
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body":
                return await send(message)
            parts.append(message.get("body", b""))
            if message.get("more_body"):
                return
            payload = b"".join(parts)
            headers = [(name, value) for name, value in start.get("headers", []) if name.lower() != b"content-length"]
            is_json = any(name.lower() == b"content-type" and b"json" in value for name, value in headers)
            if is_json and payload:
                try:
                    payload = json.dumps(to_old(json.loads(payload)), separators=(",", ":")).encode()
                except ValueError:
                    pass
            extra = deprecation_headers(_fill(new_path, scope.get("path_params") or {}))
            headers += [(name.lower().encode(), value.encode()) for name, value in extra.items()]
            headers.append((b"content-length", str(len(payload)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": payload, "more_body": False})

        return await app(scope, replay, translate)

    return old_vocabulary


# -- storage: keys ----------------------------------------------------------

_SLOT = re.compile(r"\\\{\\\}")


def _compile(pattern: str):
    return re.compile("^" + _SLOT.sub("(.+?)", re.escape(pattern)) + "$", re.S)


def _fill_slots(pattern: str, values) -> str:
    values = iter(values)
    return re.sub(r"\{\}", lambda _: next(values), pattern)


_patterns: dict = {}


def _key_patterns() -> list:
    """[(compiled new, old pattern, compiled old, new pattern)], most specific first."""
    pairs = tuple(tuple(pair) for pair in KEYS)
    if pairs not in _patterns:
        ordered = sorted(pairs, key=lambda pair: -len(pair[1].replace("{}", "")))
        _patterns[pairs] = [(_compile(new), old, _compile(old), new) for old, new in ordered]
    return _patterns[pairs]


def _text(key):
    if isinstance(key, bytes):
        return key.decode("utf-8", "surrogateescape"), True
    return key, False


def _back(text: str, was_bytes: bool):
    return text.encode("utf-8", "surrogateescape") if was_bytes else text


def old_key(key):
    """The old form of a new-form key (None when the key isn't one the migration renamed)."""
    text, raw = _text(key)
    if not isinstance(text, str):
        return None
    for new_re, old, _, _ in _key_patterns():
        match = new_re.match(text)
        if match:
            return _back(_fill_slots(old, match.groups()), raw)
    return None


def new_key(key):
    text, raw = _text(key)
    if not isinstance(text, str):
        return key
    for _, _, old_re, new in _key_patterns():
        match = old_re.match(text)
        if match:
            return _back(_fill_slots(new, match.groups()), raw)
    return key


def _value_to(value, translate):
    text, raw = _text(value)
    if not isinstance(text, str) or not text.lstrip().startswith(("{", "[")):
        return value
    try:
        data = json.loads(text)
    except ValueError:
        return value
    return _back(json.dumps(translate(data)), raw)


def old_value(value):
    """A stored document as old code reads it: old field names."""
    return _value_to(value, to_old)


def new_value(value):
    return _value_to(value, to_new)


def _call(name, *args, **kwargs):
    """One client command, as the storage logic yields it: run by a sync or an async driver."""
    return name, args, kwargs


class _Storage:
    """What each command does with both key forms: generators that yield client commands.

    Written once; `KeyClient` runs them against a sync client, `AsyncKeyClient`
    awaits them against an asyncio one.
    """

    @staticmethod
    def _reads(key):
        """The keys to read, in the phase's order, each with whether it holds the old form."""
        old = old_key(key)
        now = phase()
        if old is None or now == NEW_ONLY:
            return [(key, False)]
        return [(old, True), (key, False)] if now == DUAL_WRITE else [(key, False), (old, True)]

    @staticmethod
    def _lists(key):
        old = old_key(key)
        if old is None or phase() == NEW_ONLY:
            return [key]
        return [key, old]  # newest first, as LPUSH orders a list

    # strings and documents
    def get(self, key):
        for name, is_old in self._reads(key):
            value = yield _call("get", name)
            if value is not None:
                return new_value(value) if is_old else value
        return None

    def set(self, key, value, *args, **kwargs):
        old = old_key(key)
        now = phase()
        if old is None or now == NEW_ONLY:
            return (yield _call("set", key, value, *args, **kwargs))
        copies = [(old, old_value(value)), (key, value)]
        if now != DUAL_WRITE:
            copies.reverse()
        if kwargs.get("nx") or kwargs.get("xx") or kwargs.get("get"):
            # The condition is decided on the key the phase's readers see first; the copy follows it.
            (first, first_value), (second, second_value) = copies
            result = yield _call("set", first, first_value, *args, **kwargs)
            if result:
                plain = {name: item for name, item in kwargs.items() if name not in ("nx", "xx", "get")}
                yield _call("set", second, second_value, *args, **plain)
            return result
        result = None
        for name, copy in copies:
            outcome = yield _call("set", name, copy, *args, **kwargs)
            result = outcome if name == key else result
        return result

    def delete(self, *keys):
        removed = 0
        for key in keys:
            count = 0
            for name in (key, old_key(key)):
                if name is not None:
                    count += (yield _call("delete", name))
            removed += 1 if count else 0
        return removed

    def exists(self, *keys):
        found, boolean = 0, False
        for key in keys:
            for name, _ in self._reads(key):
                hit = yield _call("exists", name)
                boolean = isinstance(hit, bool)
                if hit:
                    found += 1
                    break
        return bool(found) if boolean and len(keys) == 1 else found

    def expire(self, key, *args, **kwargs):
        result = yield _call("expire", key, *args, **kwargs)
        old = old_key(key)
        if old is not None:
            result = (yield _call("expire", old, *args, **kwargs)) or result
        return result

    def keys(self, pattern="*"):
        old = old_key(pattern)
        if old is None or phase() == NEW_ONLY:
            return (yield _call("keys", pattern))
        found = list((yield _call("keys", pattern)))
        found += [new_key(name) for name in (yield _call("keys", old))]
        return sorted(set(found))

    # counters: one authoritative key per phase, the other copy follows
    def incrby(self, key, amount=1):
        old = old_key(key)
        now = phase()
        if old is None or now == NEW_ONLY:
            return (yield _call("incrby", key, amount))
        first, second = (old, key) if now == DUAL_WRITE else (key, old)
        if now == PREFER_NEW and not (yield _call("exists", key)) and (yield _call("exists", old)):
            yield _call("set", key, (yield _call("get", old)))
        result = yield _call("incrby", first, amount)
        yield _call("set", second, result)
        return result

    def incr(self, key, amount=1):
        return (yield from self.incrby(key, amount))

    def decr(self, key, amount=1):
        return (yield from self.incrby(key, -amount))

    # queues: an item lives in exactly one list
    def _push(self, command, key, values):
        old = old_key(key)
        target = old if old is not None and phase() == DUAL_WRITE else key
        return (yield _call(command, target, *values))

    def lpush(self, key, *values):
        return (yield from self._push("lpush", key, values))

    def rpush(self, key, *values):
        return (yield from self._push("rpush", key, values))

    def _pop(self, command, key, args):
        old = old_key(key)
        if old is None or phase() == NEW_ONLY:
            return (yield _call(command, key, *args))
        for name in (old, key):  # the old list holds the older items
            value = yield _call(command, name, *args)
            if value is not None and value != []:
                return value
        return None

    def rpop(self, key, *args):
        return (yield from self._pop("rpop", key, args))

    def lpop(self, key, *args):
        return (yield from self._pop("lpop", key, args))

    def lrange(self, key, start, stop):
        names = self._lists(key)
        if len(names) == 1:
            return (yield _call("lrange", key, start, stop))
        items = []
        for name in names:
            items += (yield _call("lrange", name, 0, -1))
        stop = len(items) if stop == -1 else (stop + 1 if stop >= 0 else stop + 1 or len(items))
        return items[start:stop]

    def llen(self, key):
        total = 0
        for name in self._lists(key):
            total += (yield _call("llen", name))
        return total

    def lrem(self, key, *args):
        total = 0
        for name in self._lists(key):
            total += (yield _call("lrem", name, *args))
        return total

    # sets: membership in either form
    def sadd(self, key, *members):
        result = yield _call("sadd", key, *members)
        old = old_key(key)
        if old is not None and phase() != NEW_ONLY:
            yield _call("sadd", old, *members)
        return result

    def srem(self, key, *members):
        removed = 0
        for name in self._lists(key):
            removed = max(removed, (yield _call("srem", name, *members)))
        return removed

    def smembers(self, key):
        found = set()
        for name, _ in self._reads(key):
            found |= set((yield _call("smembers", name)))
        return found

    def sismember(self, key, member):
        for name, _ in self._reads(key):
            if (yield _call("sismember", name, member)):
                return True
        return False

    def scard(self, key):
        return len((yield from self.smembers(key)))

    # hashes: documents, the old copy with old field names
    def hset(self, key, field=None, value=None, mapping=None, **kwargs):
        items = dict(mapping or {})
        if field is not None:
            items[field] = value
        result = yield _call("hset", key, mapping=items, **kwargs)
        old = old_key(key)
        if old is not None and phase() != NEW_ONLY:
            yield _call("hset", old, mapping=to_old(items), **kwargs)
        return result

    def hget(self, key, field):
        for name, is_old in self._reads(key):
            name_field = _inverse(PAYLOAD_KEYS).get(field, field) if is_old else field
            value = yield _call("hget", name, name_field)
            if value is not None:
                return value
        return None

    def hgetall(self, key):
        for name, is_old in self._reads(key):
            found = yield _call("hgetall", name)
            if found:
                return to_new(found) if is_old else found
        return {}

    def hdel(self, key, *fields):
        result = yield _call("hdel", key, *fields)
        old = old_key(key)
        if old is not None:
            yield _call("hdel", old, *(_inverse(PAYLOAD_KEYS).get(field, field) for field in fields))
        return result

    # blocking pops and moves between lists: an item still lives in one list
    def _sources(self, key):
        """Where an item of a queue may be: the old list first (older items), then the new one."""
        old = old_key(key)
        return [key] if old is None or phase() == NEW_ONLY else [old, key]

    def _target(self, key):
        """Where new code puts an item: the old list while old code may pop it."""
        old = old_key(key)
        return old if old is not None and phase() == DUAL_WRITE else key

    def _blocking(self, command, keys, timeout):
        """BLPOP / BRPOP / BZPOPMIN / BZPOPMAX: Redis itself blocks on every form, in order, and pops once."""
        names = [keys] if isinstance(keys, (str, bytes)) else list(keys)
        forms = {}
        for name in names:
            for source in (self._sources(name) if command in ("blpop", "brpop") else [self._first(name)]):
                forms.setdefault(source, name)
        result = yield _call(command, list(forms), timeout)
        if not result:
            return result
        return type(result)((_named(forms, result[0]), *result[1:]))

    def blpop(self, keys, timeout=0):
        return (yield from self._blocking("blpop", keys, timeout))

    def brpop(self, keys, timeout=0):
        return (yield from self._blocking("brpop", keys, timeout))

    def lmove(self, first, second, src="LEFT", dest="RIGHT"):
        for source in self._sources(first):
            value = yield _call("lmove", source, self._target(second), src, dest)
            if value is not None:
                return value
        return None

    def rpoplpush(self, src, dst):
        return (yield from self.lmove(src, dst, "RIGHT", "LEFT"))

    def blmove(self, first, second, timeout, src="LEFT", dest="RIGHT"):
        """Every form without blocking, then block on the list this phase pushes to.

        An item pushed to the other list while it blocks (a writer still in the
        previous phase) is taken by the next call, not this one.
        """
        destination = self._target(second)
        sources = self._sources(first)
        if len(sources) > 1:
            for source in sources:
                value = yield _call("lmove", source, destination, src, dest)
                if value is not None:
                    return value
        return (yield _call("blmove", self._target(first), destination, timeout, src, dest))

    def brpoplpush(self, src, dst, timeout=0):
        return (yield from self.blmove(src, dst, timeout, "RIGHT", "LEFT"))

    # sorted sets and streams: records (`termshift data` copies them), one authoritative copy per phase
    def _first(self, key):
        """The copy this phase reads and decides on: old in dual-write, new after."""
        return self._reads(key)[0][0]

    def _copies(self, key):
        """(authoritative, mirror or None)."""
        reads = self._reads(key)
        return reads[0][0], (reads[1][0] if len(reads) > 1 else None)

    def _read_key(self, key):
        """The copy to read: the authoritative one, or the other when it doesn't exist (not copied yet)."""
        reads = self._reads(key)
        if len(reads) > 1 and not (yield _call("exists", reads[0][0])):
            return reads[1]
        return reads[0]

    def zadd(self, key, mapping, *args, **kwargs):
        first, mirror = self._copies(key)
        result = yield _call("zadd", first, mapping, *args, **kwargs)
        if mirror is not None:
            if args or kwargs:  # nx / xx / gt / lt / incr: the mirror takes the scores the first copy has now
                present = {}
                for member in mapping:
                    score = yield _call("zscore", first, member)
                    if score is not None:
                        present[member] = score
                if present:
                    yield _call("zadd", mirror, present)
            else:
                yield _call("zadd", mirror, mapping)
        return result

    def zrem(self, key, *members):
        first, mirror = self._copies(key)
        result = yield _call("zrem", first, *members)  # the claim: decided on the authoritative copy
        if mirror is not None:
            yield _call("zrem", mirror, *members)
        return result

    def zincrby(self, key, amount, member):
        first, mirror = self._copies(key)
        score = yield _call("zincrby", first, amount, member)
        if mirror is not None:
            yield _call("zadd", mirror, {member: score})
        return score

    def _zread(self, command, key, *args, **kwargs):
        name, _ = yield from self._read_key(key)
        return (yield _call(command, name, *args, **kwargs))

    def zscore(self, key, member):
        return (yield from self._zread("zscore", key, member))

    def zcard(self, key):
        return (yield from self._zread("zcard", key))

    def zcount(self, key, low, high):
        return (yield from self._zread("zcount", key, low, high))

    def zrank(self, key, member, *args, **kwargs):
        return (yield from self._zread("zrank", key, member, *args, **kwargs))

    def zrange(self, key, start, end, *args, **kwargs):
        return (yield from self._zread("zrange", key, start, end, *args, **kwargs))

    def zrevrange(self, key, start, end, *args, **kwargs):
        return (yield from self._zread("zrevrange", key, start, end, *args, **kwargs))

    def zrangebyscore(self, key, low, high, *args, **kwargs):
        return (yield from self._zread("zrangebyscore", key, low, high, *args, **kwargs))

    def zrevrangebyscore(self, key, high, low, *args, **kwargs):
        return (yield from self._zread("zrevrangebyscore", key, high, low, *args, **kwargs))

    def _zpop(self, command, key, count=None):
        first, mirror = self._copies(key)
        popped = yield _call(command, first, *(() if count is None else (count,)))
        if mirror is not None and popped:
            yield _call("zrem", mirror, *(member for member, _ in popped))
        return popped

    def zpopmin(self, key, count=None):
        return (yield from self._zpop("zpopmin", key, count))

    def zpopmax(self, key, count=None):
        return (yield from self._zpop("zpopmax", key, count))

    def _bzpop(self, command, keys, timeout):
        result = yield from self._blocking(command, keys, timeout)
        if result:
            _, mirror = self._copies(result[0])
            if mirror is not None:
                yield _call("zrem", mirror, result[1])
        return result

    def bzpopmin(self, keys, timeout=0):
        return (yield from self._bzpop("bzpopmin", keys, timeout))

    def bzpopmax(self, keys, timeout=0):
        return (yield from self._bzpop("bzpopmax", keys, timeout))

    # streams: entries added to both copies with one id, the old copy with old field names
    def xadd(self, name, fields, id="*", *args, **kwargs):
        first, mirror = self._copies(name)
        is_old = first != name
        entry = yield _call("xadd", first, to_old(fields) if is_old else fields, id, *args, **kwargs)
        if mirror is not None and entry is not None:
            try:
                yield _call("xadd", mirror, fields if is_old else to_old(fields), entry, *args, **kwargs)
            except Exception as error:  # noqa: BLE001 - the mirror already holds a later id
                send_log.warning("stream %s: entry %s not mirrored to %s: %s", first, entry, mirror, error)
        return entry

    def _xentries(self, entries, is_old):
        return [(entry, to_new(fields) if is_old else fields) for entry, fields in entries] if is_old else entries

    def xrange(self, name, *args, **kwargs):
        key, is_old = yield from self._read_key(name)
        return self._xentries((yield _call("xrange", key, *args, **kwargs)), is_old)

    def xrevrange(self, name, *args, **kwargs):
        key, is_old = yield from self._read_key(name)
        return self._xentries((yield _call("xrevrange", key, *args, **kwargs)), is_old)

    def xlen(self, name):
        key, _ = yield from self._read_key(name)
        return (yield _call("xlen", key))

    def xread(self, streams, *args, **kwargs):
        forms = {}
        for name, position in streams.items():
            key, is_old = yield from self._read_key(name)
            forms[key] = (name, position, is_old)
        found = yield _call("xread", {key: position for key, (_, position, _) in forms.items()}, *args, **kwargs)
        return _stream_reply(found, forms, self._xentries)

    def xdel(self, name, *entries):
        first, mirror = self._copies(name)
        result = yield _call("xdel", first, *entries)
        if mirror is not None:
            yield _call("xdel", mirror, *entries)
        return result

    def xtrim(self, name, *args, **kwargs):
        first, mirror = self._copies(name)
        result = yield _call("xtrim", first, *args, **kwargs)
        if mirror is not None:
            yield _call("xtrim", mirror, *args, **kwargs)
        return result

    def _group(self, name, command):
        """A consumer group's state (last id, pending entries) lives in one stream: the old one in dual-write."""
        old = old_key(name)
        now = phase()
        if old is None or now == NEW_ONLY:
            return name, False
        if now == PREFER_NEW:
            raise WireRefused(
                f"{command} on stream {name!r} in prefer-new: a consumer group's state lives in one stream "
                f"({old!r} until now); stay in dual-write until its readers stop, copy the stream with its groups "
                f"(termshift data copy), then switch to new-only")
        return old, True

    def xgroup_create(self, name, groupname, *args, **kwargs):
        key, _ = self._group(name, "XGROUP CREATE")
        return (yield _call("xgroup_create", key, groupname, *args, **kwargs))

    def xreadgroup(self, groupname, consumername, streams, *args, **kwargs):
        forms = {}
        for name, position in streams.items():
            key, is_old = self._group(name, "XREADGROUP")
            forms[key] = (name, position, is_old)
        found = yield _call("xreadgroup", groupname, consumername,
                            {key: position for key, (_, position, _) in forms.items()}, *args, **kwargs)
        return _stream_reply(found, forms, self._xentries)

    def xack(self, name, groupname, *entries):
        key, _ = self._group(name, "XACK")
        return (yield _call("xack", key, groupname, *entries))

    def xpending(self, name, groupname, *args, **kwargs):
        key, _ = self._group(name, "XPENDING")
        return (yield _call("xpending", key, groupname, *args, **kwargs))

    def xpending_range(self, name, groupname, *args, **kwargs):
        key, _ = self._group(name, "XPENDING")
        return (yield _call("xpending_range", key, groupname, *args, **kwargs))

    def xclaim(self, name, groupname, *args, **kwargs):
        key, is_old = self._group(name, "XCLAIM")
        found = yield _call("xclaim", key, groupname, *args, **kwargs)
        return self._xentries(found, is_old) if found and isinstance(found[0], (list, tuple)) else found

    def xautoclaim(self, name, groupname, *args, **kwargs):
        key, is_old = self._group(name, "XAUTOCLAIM")
        found = yield _call("xautoclaim", key, groupname, *args, **kwargs)
        if is_old and isinstance(found, (list, tuple)) and len(found) > 1 and found[1] \
                and isinstance(found[1][0], (list, tuple)):
            found = type(found)((found[0], self._xentries(found[1], True), *found[2:]))
        return found

    # scripts: the old-form script (its key literals swapped) is read in the phase's order
    def eval(self, script, *args):
        """Both forms of the script in one EVAL: atomic, the phase's form first, the other when it returns nil."""
        call = _script_call(args)
        now = phase()
        if call is None or now == NEW_ONLY:
            return (yield _call("eval", script, *args))
        keys, argv, rebuild = call
        old_keys, old_argv = [_old_or(item) for item in keys], [_old_or(item) for item in argv]
        old_script = old_script_text(script)
        if old_script == script and old_keys == keys and old_argv == argv:
            return (yield _call("eval", script, *args))
        forms = [(old_script, old_keys, old_argv), (script, keys, argv)]
        if now == PREFER_NEW:
            forms.reverse()
        text, keys, argv = _both_scripts(forms)
        return new_value((yield _call("eval", text, *rebuild(keys, argv))))


COMMANDS = tuple(name for name in vars(_Storage) if not name.startswith("_"))


def _run(client, steps):
    try:
        name, args, kwargs = next(steps)
        while True:
            name, args, kwargs = steps.send(getattr(client, name)(*args, **kwargs))
    except StopIteration as done:
        return done.value


async def _run_async(client, steps):
    try:
        name, args, kwargs = next(steps)
        while True:
            name, args, kwargs = steps.send(await getattr(client, name)(*args, **kwargs))
    except StopIteration as done:
        return done.value


class KeyClient:
    """A Redis(-like) client that keeps old code's view of the data intact while new code runs.

    Covers the string, list (queue), set, hash, counter, key and expiry
    commands and ``eval`` (see the README for what it doesn't); anything else
    goes to the client as it is.
    """

    _logic = _Storage()
    _pipeline_class = None  # KeyPipeline, set below

    def __init__(self, client) -> None:
        self.__dict__["_client"] = client

    def __getattr__(self, name):
        """Anything not covered goes to the client as it is, unless it names a renamed key: then it is refused."""
        attribute = getattr(self._client, name)
        if name.startswith("_") or name in _NOT_COMMANDS or not callable(attribute):
            return attribute

        @functools.wraps(attribute)
        def uncovered(*args, **kwargs):
            renamed = phase() != NEW_ONLY and _names_renamed_key(args, kwargs)
            if renamed:
                raise WireRefused(
                    f"{name} on {renamed!r}: the transition layer doesn't cover this command, and running it on "
                    f"one form of the key would half-work; run it on both forms yourself "
                    f"({_old_or(renamed)!r} and {renamed!r}), or after the switch to new-only")
            return attribute(*args, **kwargs)

        return uncovered

    def pipeline(self, transaction=True, shard_hint=None):
        return self._pipeline_class(self, transaction, shard_hint)

    def scan_iter(self, match=None, *args, **kwargs):
        """Keys matching the pattern in either form, in the new form, each once."""
        old = old_key(match) if match is not None else None
        if old is None or phase() == NEW_ONLY:
            return self._client.scan_iter(match, *args, **kwargs)
        return self._scan_both(match, old, args, kwargs)

    def _scan_both(self, match, old, args, kwargs):
        seen = set()
        for key in self._client.scan_iter(match, *args, **kwargs):
            seen.add(key)
            yield key
        for key in self._client.scan_iter(old, *args, **kwargs):
            key = new_key(key)
            if key not in seen:
                seen.add(key)
                yield key


class AsyncKeyClient(KeyClient):
    """The same for an asyncio client (``redis.asyncio.Redis``): every command is awaited."""

    async def _scan_both(self, match, old, args, kwargs):
        seen = set()
        async for key in self._client.scan_iter(match, *args, **kwargs):
            seen.add(key)
            yield key
        async for key in self._client.scan_iter(old, *args, **kwargs):
            key = new_key(key)
            if key not in seen:
                seen.add(key)
                yield key


# Client attributes that aren't commands on keys.
_NOT_COMMANDS = frozenset({
    "close", "aclose", "connection_pool", "execute_command", "parse_response", "get_connection_kwargs",
    "get_encoder", "get_retry", "set_retry", "set_response_callback", "pubsub", "monitor", "client", "lock",
    "register_script", "transaction", "load_external_module", "initialize", "ping", "info", "flushdb",
    "flushall", "dbsize", "echo", "time", "config_get", "config_set", "script_load", "script_exists",
    "script_flush", "function_load", "from_url", "from_pool", "auto_close_connection_pool",
})


def _names_renamed_key(args, kwargs):
    """The first renamed key (new form) a command's arguments name: its first argument, or a mapping's keys."""
    candidates = list(args[:1])
    for value in (*args, *kwargs.values()):
        if isinstance(value, dict):
            candidates += list(value)
    for value in candidates:
        if isinstance(value, (str, bytes)) and old_key(value) is not None:
            return value
    return None


def _sync_command(name):
    def command(self, *args, **kwargs):
        return _run(self._client, getattr(self._logic, name)(*args, **kwargs))

    command.__name__ = name
    return command


def _async_command(name):
    async def command(self, *args, **kwargs):
        return await _run_async(self._client, getattr(self._logic, name)(*args, **kwargs))

    command.__name__ = name
    return command


for _name in COMMANDS:
    setattr(KeyClient, _name, _sync_command(_name))
    setattr(AsyncKeyClient, _name, _async_command(_name))


def wrap_client(client):
    """The client wrapped for its kind: asyncio clients get the awaiting wrapper."""
    if client is None or isinstance(client, KeyClient):
        return client
    execute = getattr(client, "execute_command", None)
    return AsyncKeyClient(client) if inspect.iscoroutinefunction(execute) else KeyClient(client)


def _old_or(value):
    old = old_key(value) if isinstance(value, (str, bytes)) else None
    return value if old is None else old


def old_script_text(script: str) -> str:
    """A Lua script with the key literals it builds names from in their old form."""
    if not isinstance(script, str):
        return script
    for old, new in KEYS:
        old_prefix, new_prefix = old.split("{}")[0], new.split("{}")[0]
        if not new_prefix:
            continue
        for quote in ("'", '"'):
            script = script.replace(f"{quote}{new_prefix}{quote}", f"{quote}{old_prefix}{quote}")
    return script


class WireRefused(RuntimeError):
    """A command the transition layer can't run correctly on a renamed key in this phase (the message says why)."""


def _stream_reply(found, forms, entries):
    """XREAD's reply (redis-py: a list of [stream, entries], or a dict under RESP3) with the names new code asked for."""
    if not found:
        return found
    items = found.items() if isinstance(found, dict) else found
    named = [(_named(forms, key, (key, None, False)), value) for key, value in items]
    if isinstance(found, dict):
        return {name: entries(value, is_old) for (name, _, is_old), value in named}
    return [[name, entries(value, is_old)] for (name, _, is_old), value in named]


def _named(forms: dict, key, default=None):
    """What `forms` says of a key a reply names (bytes when the client doesn't decode)."""
    if key in forms:
        return forms[key]
    if isinstance(key, bytes):
        text = key.decode("utf-8", "surrogateescape")
        if text in forms:
            return forms[text]
    return key if default is None else default


def _script_call(args):
    """(KEYS, ARGV, rebuild) from a client's eval arguments: redis-py's ``numkeys, *keys_and_args``
    or a ``keys, args`` pair of lists; None for any other shape."""
    if args and isinstance(args[0], int) and not isinstance(args[0], bool) and len(args) > args[0]:
        count = args[0]
        return list(args[1:1 + count]), list(args[1 + count:]), lambda keys, argv: (len(keys), *keys, *argv)
    if args and isinstance(args[0], (list, tuple)) and len(args) <= 2 and (
            len(args) == 1 or isinstance(args[1], (list, tuple))):
        return list(args[0]), list(args[1] if len(args) == 2 else ()), lambda keys, argv: (keys, argv)
    return None


def _both_scripts(forms):
    """One Lua script running each (script, KEYS, ARGV) form as a function, the first non-nil answer winning.

    Each form sees its own KEYS and ARGV (slices of the combined ones when
    the forms' keys differ).
    """
    (first, first_keys, first_argv), (second, second_keys, second_argv) = forms
    same = first_keys == second_keys and first_argv == second_argv
    keys = first_keys if same else first_keys + second_keys
    argv = first_argv if same else first_argv + second_argv
    if same:
        calls = ("KEYS, ARGV", "KEYS, ARGV")
    else:
        k, a = len(first_keys), len(first_argv)
        calls = (f"{{unpack(KEYS, 1, {k})}}, {{unpack(ARGV, 1, {a})}}",
                 f"{{unpack(KEYS, {k + 1}, {len(keys)})}}, {{unpack(ARGV, {a + 1}, {len(argv)})}}")
    text = (f"local function termshift_first(KEYS, ARGV)\n{first}\nend\n"
            f"local function termshift_second(KEYS, ARGV)\n{second}\nend\n"
            f"local found = termshift_first({calls[0]})\n"
            f"if found then return found end\n"
            f"return termshift_second({calls[1]})\n")
    return text, keys, argv


# -- storage: transactions ---------------------------------------------------

# What a command answers when it misses: a transaction is planned by running each command's logic as if
# every read missed, which gives every client command it may need.
_MISS = {
    **dict.fromkeys(("delete", "exists", "expire", "lpush", "rpush", "llen", "lrem", "sadd", "srem", "hset",
                     "hdel", "zadd", "zrem", "xdel", "xtrim", "xack"), 0),
    "keys": [], "lrange": [], "smembers": set(), "hgetall": {}, "sismember": False,
}
# Commands whose logic decides on one answer which command to send next, or sends what it read: inside
# MULTI/EXEC nothing is answered before EXEC.
_NOT_IN_TRANSACTION = frozenset({
    "lpop", "rpop", "lmove", "rpoplpush", "blpop", "brpop", "blmove", "brpoplpush", "incr", "incrby", "decr",
    "zincrby", "zpopmin", "zpopmax", "bzpopmin", "bzpopmax", "zscore", "zcard", "zcount", "zrank", "zrange",
    "zrevrange", "zrangebyscore", "zrevrangebyscore", "xadd", "xrange", "xrevrange", "xlen", "xread",
    "xreadgroup", "xclaim", "xautoclaim",
})


def _transaction_plan(name, args, kwargs):
    """The client commands one queued command needs inside MULTI/EXEC, and the logic to replay on their answers."""
    renamed = phase() != NEW_ONLY and _names_renamed_key(args, kwargs)
    logic = getattr(KeyClient._logic, name, None) if name in COMMANDS else None
    if logic is None:
        if renamed:
            raise WireRefused(f"{name} on {renamed!r}: the transition layer doesn't cover this command")
        return [(name, args, kwargs)], None
    conditional = (name == "set" and any(kwargs.get(flag) for flag in ("nx", "xx", "get"))) or (
        name == "zadd" and (len(args) > 1 or kwargs))
    if renamed and (name in _NOT_IN_TRANSACTION or conditional):
        raise WireRefused(
            f"{name} on {renamed!r} inside a transaction (MULTI/EXEC): during the transition it reads one "
            f"form of the key before it knows what to send to the other, and a transaction answers nothing "
            f"before EXEC; run it outside the transaction (or pipeline(transaction=False))")
    steps, commands = logic(*args, **kwargs), []
    try:
        command = next(steps)
        while True:
            commands.append(command)
            command = steps.send(_MISS.get(command[0]))
    except StopIteration:
        pass
    return commands, (lambda: logic(*args, **kwargs))


def _replay(logic, answers):
    """A command's result from the answers EXEC gave its client commands (its reads stop at the first hit)."""
    if logic is None:
        return answers[0]
    steps, answers = logic(), iter(answers)
    try:
        next(steps)
        while True:
            steps.send(next(answers))
    except StopIteration as done:
        return done.value


class KeyPipeline:
    """A pipeline through the transition layer.

    A transaction (redis-py's default, ``transaction=True``) stays one
    MULTI/EXEC: every client command the queued commands need is sent inside
    it, and each result is worked out from their answers; a command that must
    see one answer to decide the next is refused (``WireRefused``). ``watch``
    watches every form of its keys. Without a transaction the commands are
    replayed through the wrapper in order.
    """

    def __init__(self, client: KeyClient, transaction: bool = True, shard_hint=None) -> None:
        self._client = client
        self._transaction = transaction
        self._shard_hint = shard_hint
        self._queued: list = []
        self._real = None  # the client's own pipeline, from watch() on
        self._immediate = False

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if self._immediate:
            return getattr(type(self._client)(self._real), name)

        def queue(*args, **kwargs):
            self._queued.append((name, args, kwargs))
            return self

        return queue

    def _pipeline(self):
        if self._real is None:
            self._real = self._client._client.pipeline(transaction=True, shard_hint=self._shard_hint)
        return self._real

    def watch(self, *keys):
        """WATCH every form of the keys; commands run at once until ``multi()``, as redis-py does."""
        real = self._pipeline()
        self._immediate = True
        return real.watch(*_all_forms(keys))

    def multi(self):
        self._immediate = False
        return self._pipeline().multi()

    def _planned(self):
        queued, self._queued = self._queued, []
        plans = [_transaction_plan(name, args, kwargs) for name, args, kwargs in queued]
        real = self._pipeline()
        for commands, _ in plans:
            for name, args, kwargs in commands:
                getattr(real, name)(*args, **kwargs)
        return real, plans

    @staticmethod
    def _results(plans, answers):
        results, at = [], 0
        for commands, logic in plans:
            results.append(_replay(logic, answers[at:at + len(commands)]))
            at += len(commands)
        return results

    def execute(self, *args, **kwargs):
        if not self._transaction:
            queued, self._queued = self._queued, []
            return [getattr(self._client, name)(*a, **k) for name, a, k in queued]
        real, plans = self._planned()
        try:
            answers = real.execute(*args, **kwargs)
        finally:
            self._real, self._immediate = None, False
        return self._results(plans, answers)

    def reset(self):
        self._queued = []
        if self._real is not None:
            self._real.reset()
        self._real, self._immediate = None, False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.reset()
        return False


class AsyncKeyPipeline(KeyPipeline):
    async def watch(self, *keys):
        real = self._pipeline()
        self._immediate = True
        return await real.watch(*_all_forms(keys))

    async def execute(self, *args, **kwargs):
        if not self._transaction:
            queued, self._queued = self._queued, []
            return [await getattr(self._client, name)(*a, **k) for name, a, k in queued]
        real, plans = self._planned()
        try:
            answers = await real.execute(*args, **kwargs)
        finally:
            self._real, self._immediate = None, False
        return self._results(plans, answers)

    async def reset(self):
        self._queued = []
        if self._real is not None:
            await self._real.reset()
        self._real, self._immediate = None, False

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.reset()
        return False


KeyClient._pipeline_class = KeyPipeline
AsyncKeyClient._pipeline_class = AsyncKeyPipeline


def _all_forms(keys) -> list:
    forms = []
    for key in keys:
        forms.append(key)
        old = old_key(key)
        if old is not None and phase() != NEW_ONLY:
            forms.append(old)
    return forms


class _ClientSlot:
    """A class attribute holding the project's client: whatever is assigned is wrapped in a KeyClient."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        try:
            return instance.__dict__[self.name]
        except KeyError:
            raise AttributeError(self.name) from None

    def __set__(self, instance, value):
        instance.__dict__[self.name] = wrap_client(value)


def storage(owner, attribute: str) -> None:
    """Wrap the client that instances of `owner` keep in `attribute` (set in ``__init__``)."""
    setattr(owner, attribute, _ClientSlot(attribute))
