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
