"""Write the compatibility layer: old names kept working, with a warning.

One block per module, at its end (before a trailing ``if __name__ ==
"__main__":``), so that everything it refers to already exists when it
runs. It holds only what the module needs of:

- a PEP 562 module ``__getattr__`` serving the old module-level names (an
  existing ``__getattr__`` is kept as the fallback), and the same aliases
  under ``if TYPE_CHECKING:`` for type checkers. The ``__getattr__`` looks
  a new name up only when asked, so where code below the module's imports
  runs while it is imported (a package's ``__init__`` loading plugins that
  import ``from pkg import Job`` back), it goes in a block of its own right
  after the imports: an old name then works as soon as its new one exists;
- ``_compat_keywords``: a renamed parameter still accepted under its old
  keyword (a ``TypeError`` when both are given), for functions, methods,
  ``__init__`` and the constructors of data classes and named tuples;
- ``_compat_members``: old member names as descriptors forwarding gets,
  sets and deletes to the new name (methods of every flavour, properties,
  attributes, fields, enum members), and renamed methods, properties and
  class attributes that still honour a subclass — or a mock — defining the
  old name (so an abstract class accepts a subclass implementing the old name).

Moved modules leave a shim module at the old path. The generated code needs
nothing but the standard library, and every piece carries a marker
(`termshift.markers`) so that `termshift cleanup` removes exactly it and
the lint can tell it apart. Inserting is a splice at a line boundary, so
every other byte of the file stays as it was and cleanup gives back exactly
what `migrate --no-compat` writes.
"""

from __future__ import annotations

import datetime

import libcst as cst

from termshift import markers
from termshift.deprecation import ModuleCompat, Shim

from .compat_layout import Layout, after_imports, lines_of

# Blank lines between the block and the code around it (PEP 8, top level).
SEPARATION = 2

_HEADER = """\
# The old names keep working, with a DeprecationWarning, until the date above;
# `termshift cleanup` removes this block, and only it.
"""

_WARN = '''

def _compat_warn(old, new, stacklevel=3):
    import warnings

    warnings.warn(f"{old} is deprecated; use {new}", DeprecationWarning, stacklevel=stacklevel)
'''

_KEYWORDS = '''

def _compat_keywords(owner, name, /, **renamed):
    """Callers of owner.name may still pass the old keyword names; a subclass may still override it with them.

    A module-level function's owner is the module's globals(): a module that a plugin loader runs
    without importing it (exec_module) is not in sys.modules.
    """
    import functools
    import inspect

    space = owner if isinstance(owner, dict) else vars(owner)
    attribute = space[name]
    function = getattr(attribute, "__func__", attribute)  # inside a staticmethod / classmethod
    if not inspect.isfunction(function):
        return  # what a decorator made of it (a task object, a cache): a function in its place would lose its members

    def new_keywords(kwargs):
        for old, new in renamed.items():
            if old in kwargs:
                if new in kwargs:
                    raise TypeError(f"{function.__qualname__}() got both {old!r} and {new!r}")
                _compat_warn(f"keyword {old!r} of {function.__qualname__}()", repr(new), stacklevel=4)
                kwargs[new] = kwargs.pop(old)
        return kwargs

    if inspect.iscoroutinefunction(function):
        async def accept(*args, **kwargs):
            return await function(*args, **new_keywords(kwargs))
    else:
        def accept(*args, **kwargs):
            return function(*args, **new_keywords(kwargs))
    accept = functools.wraps(function)(accept)
    try:  # for getfullargspec too (monty's MSONable reads __init__ with it), which skips __wrapped__
        accept.__signature__ = inspect.signature(function)
    except (TypeError, ValueError):
        pass
    accept = accept if attribute is function else type(attribute)(accept)
    if isinstance(owner, dict):
        owner[name] = accept
    else:
        setattr(owner, name, accept)
    if isinstance(owner, type):
        _compat_overrides(owner, name, renamed)


def _compat_overrides(owner, name, renamed):
    """A subclass's override of owner.name (or of its old name) written with the old keyword names.

    The code passes the new names now, so each call hands them on under the old ones.
    """
    import functools
    import inspect
    import sys

    earlier = vars(owner).get("__init_subclass__")

    def handing_on(function, signature, back):
        def old_keywords(kwargs):
            return {back.get(key, key): value for key, value in kwargs.items()}

        if inspect.iscoroutinefunction(function):
            async def hand_on(*args, **kwargs):
                return await function(*args, **old_keywords(kwargs))
        else:
            def hand_on(*args, **kwargs):
                return function(*args, **old_keywords(kwargs))
        hand_on = functools.wraps(function)(hand_on)
        hand_on.__signature__ = signature
        return hand_on

    def __init_subclass__(cls, **kwargs):
        if earlier is None:
            super(owner, cls).__init_subclass__(**kwargs)
        else:
            getattr(earlier, "__func__", earlier)(cls, **kwargs)
        aliases = globals().get("_CompatOldName", ())  # the method's old names, if it has any
        old_names = [old for old, value in vars(owner).items() if isinstance(value, aliases) and value.new == name]
        for member in [name, *old_names]:
            attribute = vars(cls).get(member)
            function = getattr(attribute, "__func__", attribute)
            try:
                signature = inspect.signature(function) if callable(function) else None
            except (TypeError, ValueError):
                continue
            parameters = signature.parameters if signature else {}
            back = {new: old for old, new in renamed.items() if old in parameters and new not in parameters}
            if not back:
                continue
            statement, frame = 2, sys._getframe()  # the warning points at the class statement, past every hook
            while frame is not None and frame.f_code.co_name == "__init_subclass__":
                statement, frame = statement + 1, frame.f_back
            for new, old in back.items():
                _compat_warn(f"keyword {old!r} of {function.__qualname__}()", repr(new), stacklevel=statement)
            hand_on = handing_on(function, signature, back)
            setattr(cls, member, hand_on if attribute is function else type(attribute)(hand_on))

    owner.__init_subclass__ = classmethod(__init_subclass__)
'''

_MEMBERS = '''

def _compat_bind(value, instance, owner):
    return value.__get__(instance, owner) if hasattr(type(value), "__get__") else value


def _compat_is(value, role):
    # Each module with a compat block has its own copy of these classes: a subclass's, from another
    # module, is told by its role, which no isinstance of this module's classes would see.
    return getattr(type(value), "_compat_role", None) == role


class _CompatOldName:
    """The old name of a member: gets, sets and deletes go to the new name."""

    _compat_role = "old"

    def __init__(self, owner, old, new):
        self.owner, self.old, self.new = owner, old, new

    def __get__(self, instance, owner=None):
        _compat_warn(f"{self.owner.__qualname__}.{self.old}", self.new)
        owner = owner or type(instance)
        found = next((vars(cls)[self.new] for cls in owner.__mro__ if self.new in vars(cls)), None)
        if _compat_is(found, "new"):  # the member itself, not an override of its old name
            state = getattr(instance, "__dict__", {})  # where an instance attribute shadows a class one
            return state[self.new] if self.new in state else _compat_bind(found.value, instance, owner)
        return getattr(owner if instance is None else instance, self.new)

    def __set__(self, instance, value):
        _compat_warn(f"{self.owner.__qualname__}.{self.old}", self.new)
        setattr(instance, self.new, value)

    def __delete__(self, instance):
        _compat_warn(f"{self.owner.__qualname__}.{self.old}", self.new)
        delattr(instance, self.new)


class _CompatNewName:
    """A renamed method or class attribute that a subclass, or a mock, still defining the old name overrides.

    Also what keeps an abstract class's renamed abstract method implemented
    by a subclass that only defines the old name. Once something has replaced
    the old name on the class (a plugin wrapping the method), setting it on an
    instance (`mock.patch.object(worker, "old")`) lands in the instance: as
    before the rename, that instance's own value is what the code calls.
    """

    _compat_role = "new"

    def __init__(self, value, old, new):
        self.value, self.old, self.new = value, old, new

    def __get__(self, instance, owner=None):
        owner = owner or type(instance)
        state = getattr(instance, "__dict__", None)
        if state and self.old in state:
            _compat_warn(f"{owner.__qualname__}.{self.old}", self.new)
            return state[self.old]
        for cls in owner.__mro__:
            if self.old in vars(cls) and not _compat_is(vars(cls)[self.old], "old"):
                _compat_warn(f"overriding {cls.__qualname__}.{self.old}", f"{self.new}")
                return _compat_bind(vars(cls)[self.old], instance, owner)
            if vars(cls).get(self.new) is self:
                break
        return _compat_bind(self.value, instance, owner)


class _CompatNewData(_CompatNewName):
    """A renamed property, slot or field, that a subclass or a mock (`mock.patch.object(Cls, "old",
    property(...))`) still defining the old name overrides: sets and deletes go where gets do."""

    def _override(self, instance):
        for cls in type(instance).__mro__:
            if self.old in vars(cls) and not _compat_is(vars(cls)[self.old], "old"):
                return vars(cls)[self.old]
            if vars(cls).get(self.new) is self:
                break
        return self

    def __set__(self, instance, value):
        found = self._override(instance)
        if found is self:
            self.value.__set__(instance, value)
        elif hasattr(type(found), "__set__"):
            found.__set__(instance, value)
        else:  # a plain value on the class: as before the rename, the instance's own shadows it
            instance.__dict__[self.old] = value

    def __delete__(self, instance):
        found = self._override(instance)
        if found is self:
            self.value.__delete__(instance)
        elif hasattr(type(found), "__delete__"):
            found.__delete__(instance)
        else:
            del instance.__dict__[self.old]


def _compat_members(owner, /, **renamed):
    for old, new in renamed.items():
        current = vars(owner).get(new)
        kind = type(current)
        # Methods and class attributes honour an override of the old name, and so do data
        # descriptors (properties, slots, named tuple fields); enum members can't (an enum
        # member's class has owner in its MRO: no isinstance, which a Protocol refuses).
        if new in vars(owner) and owner not in kind.__mro__:
            data = hasattr(kind, "__set__") or hasattr(kind, "__delete__")
            setattr(owner, new, (_CompatNewData if data else _CompatNewName)(current, old, new))
        setattr(owner, old, _CompatOldName(owner, old, new))
'''

_GETATTR = '''

def __getattr__(name):
    if name not in _COMPAT_OLD_NAMES or _COMPAT_OLD_NAMES[name] not in globals():  # not bound yet: still importing
        {fallback}
    _compat_warn(f"{{__name__}}.{{name}}", _COMPAT_OLD_NAMES[name])
    return globals()[_COMPAT_OLD_NAMES[name]]


class _CompatModule(type(sys.modules.get(__name__, sys))):
    """Patching an old name (mock.patch, monkeypatch.setattr) patches the new one; undoing the patch,
    whether by setting the old value back or by deleting the old name, restores it."""

    def __setattr__(self, name, value):
        new = _COMPAT_OLD_NAMES.get(name, name)
        if new != name and new in vars(self):
            _COMPAT_ORIGINALS.setdefault(new, vars(self)[new])
        super().__setattr__(new, value)

    def __reduce__(self):  # pickled by name, as a plain module is by cloudpickle and the like
        import importlib

        return importlib.import_module, (self.__name__,)

    def __delattr__(self, name):
        if name in _COMPAT_OLD_NAMES and _COMPAT_OLD_NAMES[name] in _COMPAT_ORIGINALS:
            super().__setattr__(_COMPAT_OLD_NAMES[name], _COMPAT_ORIGINALS[_COMPAT_OLD_NAMES[name]])
        else:
            super().__delattr__(_COMPAT_OLD_NAMES.get(name, name))


_COMPAT_ORIGINALS = {{}}  # what an old name's first patch replaced
if vars(sys.modules.get(__name__, sys)) is globals():  # not when run without being imported (exec_module)
    sys.modules[__name__].__class__ = _CompatModule
'''
_RAISE = 'raise AttributeError(f"module {__name__!r} has no attribute {name!r}")'
_CHAIN = "return _compat_getattr(name)"


def add_block(text: str, request: ModuleCompat, until: datetime.date, newline: str = "\n") -> str:
    """`text` (a module already renamed) with its compat block spliced in."""
    try:
        layout = Layout.of(text)
    except cst.ParserSyntaxError:
        return text  # the rename itself broke the file: rewrite.py's validation reports it
    names = {old: new for old, new in request.names.items()
             if (new in layout.bound or old in request.starred) and old not in layout.bound}
    early = after_imports(layout.module) if names and not layout.has_getattr else None
    body = _block_body(request, names, chains=layout.has_getattr, served_early=early is not None)
    if early is None:
        return _splice(text, layout, _HEADER + body, until, newline) if body else text
    text = _splice(text, layout, _HEADER + body, until, newline)  # below the early block: its line stays put
    return _splice_after(text, early, _HEADER + _names_body(names), until, newline)


def splice_block(text: str, body: str, until: datetime.date, newline: str = "\n") -> str:
    """`text` with a marked block holding `body` at its end (before a trailing main guard)."""
    try:
        layout = Layout.of(text)
    except cst.ParserSyntaxError:
        return text
    return _splice(text, layout, body, until, newline)


def _marked(body: str, until: datetime.date, newline: str) -> str:
    block = markers.BEGIN_TAG.format(date=until.isoformat()) + "\n" + body + markers.END_TAG + "\n"
    return block.replace("\n", newline)


def _splice_after(text: str, line: int, body: str, until: datetime.date, newline: str) -> str:
    """`text` with a marked block after its line `line`, the separation above it (where cleanup looks first)."""
    lines = lines_of(text)
    return "".join(lines[:line]) + newline * SEPARATION + _marked(body, until, newline) + "".join(lines[line:])


def _splice(text: str, layout: "Layout", body: str, until: datetime.date, newline: str) -> str:
    block = _marked(body, until, newline)
    blank = newline * SEPARATION
    lines = lines_of(text)
    if layout.main_guard_line is not None:
        at = layout.main_guard_line - 1
        return "".join(lines[:at]) + block + blank + "".join(lines[at:])
    if text and not text.endswith(("\n", "\r")):
        # Keep the file's missing final newline missing, so cleanup can restore it.
        return text + newline + blank + block[: -len(newline)]
    return text + (blank if text.strip() else "") + block


def _block_body(request: ModuleCompat, names: dict[str, str], *, chains: bool, served_early: bool) -> str:
    """The block at the module's end; with `served_early`, the old names' `__getattr__` is not in it."""
    members = {path: renamed for path, renamed in request.members.items() if renamed}
    keywords = {path: renamed for path, renamed in request.keywords.items() if renamed}
    if not (names or members or keywords):
        return ""
    imports = []
    if names and not served_early:
        imports.append("import sys\n")
    if names:
        imports.append("from typing import TYPE_CHECKING\n")
    parts = ["\n" + "".join(imports) if imports else "", "" if served_early else _WARN]
    if keywords:
        parts.append(_KEYWORDS)
    if members:
        parts.append(_MEMBERS)
    calls: list[str] = []
    for path, renamed in sorted(keywords.items()):
        owner, _, name = path.rpartition(".")
        calls.append(_call("_compat_keywords", [owner or "globals()", f'"{name}"'], renamed))
    for path, renamed in sorted(members.items()):
        calls.append(_call("_compat_members", [path], renamed))
    if calls:
        parts.append("\n\n" + "".join(calls))
    if names and not served_early:
        parts.append(_served_names(names, chains=chains))
    if names:
        aliases = "".join(f"    {old} = {new}\n" for old, new in sorted(names.items()))
        parts.append("\n\nif TYPE_CHECKING:  # the old names, for type checkers\n" + aliases)
    return "".join(parts)


def _names_body(names: dict[str, str]) -> str:
    """The block right after the imports: the old module-level names, served as soon as the new ones exist."""
    return "\nimport sys\n" + _WARN + _served_names(names, chains=False)


def _served_names(names: dict[str, str], *, chains: bool) -> str:
    """The old module-level names and the module `__getattr__` that serves them (chained to the module's own)."""
    chain = "_compat_getattr = __getattr__\n" if chains else ""
    return f"\n\n{chain}_COMPAT_OLD_NAMES = {_call('dict', [], names)}" + \
        _GETATTR.format(fallback=_CHAIN if chains else _RAISE)


def _call(function: str, arguments: list[str], renamed: dict[str, str]) -> str:
    """A call passing `old="new"` pairs as keywords: on one line when short, else one a line.

    Keywords, not a dict of strings: string keys would read as payload keys
    to the analysis, and the old names are identifiers after all.
    """
    items = [*arguments, *(f'{old}="{new}"' for old, new in renamed.items())]
    inline = f"{function}({', '.join(items)})\n"
    if len(inline) <= 100:
        return inline
    return f"{function}(\n" + "".join(f"    {item},\n" for item in items) + ")\n"


# -- shim modules -------------------------------------------------------------

_SHIM_DOC = '"""Deprecated: `{old}` is now `{new}`. This module keeps the old import path working."""\n'

_MODULE_SHIM = '''
import importlib
import sys
import warnings

warnings.warn("{old} is deprecated; use {new}", DeprecationWarning, stacklevel=2)
# The new module itself, so classes, functions and module state are the very same objects.
sys.modules[__name__] = importlib.import_module("{new}")
'''

_PACKAGE_SHIM = '''
import importlib
import warnings

warnings.warn("{old} is deprecated; use {new}", DeprecationWarning, stacklevel=2)
_new = importlib.import_module("{new}")


def __getattr__(name):
    # Names and already imported submodules of the new package; other
    # submodules are found through the shim modules beside this file.
    return getattr(_new, name)
'''

_SHIM_TYPES = '''

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # what the old path offers, for type checkers
    from {new} import *  # noqa: F401,F403
'''


def shim_module(shim: Shim, until: datetime.date) -> str:
    """The text of the module left at an old import path."""
    text = markers.MODULE_TAG.format(date=until.isoformat()) + "\n"
    text += _SHIM_DOC.format(old=shim.old_module, new=shim.new_module)
    template = _PACKAGE_SHIM if shim.package else _MODULE_SHIM
    text += template.format(old=shim.old_module, new=shim.new_module)
    text += _SHIM_TYPES.format(new=shim.new_module)
    if shim.old_names:
        names = "".join(f"        {name},\n" for name in shim.old_names)
        text += f"    from {shim.new_module} import (  # noqa: F401\n{names}    )\n"
    return text
