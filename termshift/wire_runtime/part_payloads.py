# -- payloads: event types and payload keys in both forms --------------
#
# A chapter of the one wire module (see __init__.py): the names of the chapters
# before it are in scope.

def _inverse(mapping: dict) -> dict:
    return {new: old for old, new in mapping.items()}


def _document(value) -> bool:
    """Plain data: a dict as a program builds one or JSON gives one (or one of this layer's own).

    An instance of any other dict subclass is an object with behaviour of its own
    (an attribute interface, a config object, a row): iterating it runs its code,
    which may fail or change its state, and a translated copy would lose its type
    and its identity. It passes through as it is, as any other object does.
    """
    return type(value) is dict or isinstance(value, WireDict)


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
    if _document(value):
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
    if _document(value):
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
    if _document(value):
        result = WireDict((key, _wire_dict(item)) for key, item in value.items())
        return result
    if isinstance(value, list):
        return [_wire_dict(item) for item in value]
    return value


def forms(payload) -> list:
    """Every form of an outgoing payload to send now (just the payload when it isn't one of ours)."""
    return list(getattr(payload, "forms", None) or [payload])


def _event_payload(value) -> bool:
    if not _document(value) or "type" not in value:
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
    if type(value) is dict and _has_keys(value, PAYLOAD_KEYS):
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
    if type(result) is dict and _has_keys(
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


def _old_values_found(cls) -> None:
    """`Kind("job_submitted")` finds the member whose value is now `"step_submitted"`, until new-only;
    an enumeration's own `_missing_` still answers the rest."""
    fallback = cls._missing_

    def _missing_(klass, value):
        new = EVENTS.get(value) if isinstance(value, str) and phase() != NEW_ONLY else None
        if new is not None:
            for member in klass:
                if member.value == new:
                    return member
        return fallback(value)

    cls._missing_ = classmethod(_missing_)


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

    if issubclass(cls, enum.Enum):
        # Members can't be reassigned (a `str` enum's are strings): the old values are looked up instead.
        if any(isinstance(member.value, str) and member.value in EVENTS.values() for member in cls):
            _old_values_found(cls)
        return
    for name, member in list(vars(cls).items()):
        if isinstance(member, str) and member in EVENTS.values():
            setattr(cls, name, wire_str(member))
    if issubclass(cls, (dict, BaseException)):
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
