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

    def __setattr__(self, name, value):
        """Set on the module itself (``mock.patch`` through the wired module), never our wrapper."""
        setattr(self._module, name, getattr(value, "__wrapped__", value)
                if getattr(value, "__termshift_wire__", False) else value)

    def __delattr__(self, name):
        delattr(self._module, name)

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
    if _document(value):
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
    """One call of a sending function, made once per form of the event payload it carries (dual-send).

    Every form is sent, whatever the consumer answered to the one before (a
    consumer that acknowledges unknown types still gets its own). The call
    counts as delivered when any form was accepted (a consumer turns away the
    form it doesn't know): the first accepted response is returned. When none
    was, the first form's response is returned or its error raised.
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
    outcomes = []  # (accepted, response or error, raised), one per form, every form sent
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
        if not _accepted(response):
            send_log.info("%s form of %s not accepted: status %s", name, form.get("type"),
                          getattr(response, "status_code", None) or getattr(response, "status", None))
        outcomes.append((_accepted(response), response, False))
    chosen = next((outcome for outcome in outcomes if outcome[0]), outcomes[0])
    for outcome in outcomes:
        if outcome is not chosen:
            _close(outcome[1])
    if chosen[2]:
        raise chosen[1]
    return chosen[1]


def _close(value) -> None:
    close = getattr(value, "close", None)
    if callable(close):
        try:
            close()
        except Exception:  # noqa: BLE001
            pass
