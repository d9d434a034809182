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
        args = [to_new(value) if _document(value) else value for value in args]
        kwargs = {name: to_new(value) if _document(value) else value for name, value in kwargs.items()}
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


# Flask's twin of each handler: one view function serves all the handler's old paths, since Flask
# takes a second function under one endpoint for a mistake (a view with two renamed routes).
_FLASK_TWINS = {}


def _flask_twin(handler, old_path, new_path):
    import flask

    known = _FLASK_TWINS.get(handler)
    if known is not None:
        known.old_paths[old_path] = new_path
        return known
    paths = {old_path: new_path}

    def old_vocabulary(*args, **kwargs):
        rule = getattr(flask.request.url_rule, "rule", "") or ""
        # The rule as registered may carry a blueprint's prefix: the old path is its end.
        old, new = next(((old, new) for old, new in paths.items() if rule.endswith(old)), next(iter(paths.items())))
        _record(old, new)
        request = flask.request
        if request.is_json:
            data = request.get_json(silent=True)
            if isinstance(data, (dict, list)):
                translated = to_new(data)
                request._cached_json = (translated, translated)
        response = flask.make_response(handler(*args, **kwargs))
        if response.is_json:
            response.set_data(json.dumps(to_old(response.get_json())))
        response.headers.update(deprecation_headers(_fill(new, kwargs)))
        return response

    functools.update_wrapper(old_vocabulary, handler)
    old_vocabulary.__name__ = f"{handler.__name__}__deprecated"  # Flask's endpoint: not the new route's
    old_vocabulary.old_paths = paths
    _FLASK_TWINS[handler] = old_vocabulary
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
