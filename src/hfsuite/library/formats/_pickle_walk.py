"""A pickle walked as data: opcodes become plain values, imports and calls become markers.

Nothing is imported or called. ``GLOBAL``/``STACK_GLOBAL`` push a :class:`Global` naming the
import; ``REDUCE``/``NEWOBJ``/``BUILD`` push a :class:`Call` holding the callable and its
arguments; a persistent id (how torch points at tensor storage) pushes a :class:`PersistentId`.
The walk is bounded by the buffer it is given (``pickletools.genops`` decodes one opcode at a
time) and by a cap on the values it builds.
"""

from __future__ import annotations

import io
import pickletools
from dataclasses import dataclass, field

from hfsuite.core.i18n import tr
from hfsuite.library.header import HeaderError, problem_text

__all__ = ["Call", "Global", "PersistentId", "WalkResult", "walk_pickle"]

_MAX_VALUES = 5_000_000


@dataclass(frozen=True)
class Global:
    """An import the pickle asks for (``module.name``); never performed."""

    module: str
    name: str

    @property
    def dotted(self) -> str:
        """``module.name``."""
        return f"{self.module}.{self.name}"


@dataclass(eq=False)
class Call:
    """A call the pickle asks for (``REDUCE``, ``NEWOBJ``, ``BUILD``); never performed."""

    func: object
    args: object
    state: object = None


@dataclass(frozen=True)
class PersistentId:
    """A persistent id (torch uses ``('storage', StorageClass, key, location, numel)``)."""

    value: object


@dataclass
class WalkResult:
    """What one pickle held.

    Attributes:
        value: The top-level value (``None`` when the walk stopped early).
        globals: Every import named, in order of first use.
        end: Offset just past the ``STOP`` opcode, or None when the buffer ended first.
        error: Why the walk stopped early, if it did.
    """

    value: object = None
    globals: list[str] = field(default_factory=list)
    end: int | None = None
    error: str | None = None


class _Mark:
    """The stack marker ``MARK`` pushes."""


_MARK = _Mark()


def walk_pickle(data: bytes, start: int = 0) -> WalkResult:
    """Walk the pickle starting at ``start`` of ``data`` without executing it."""
    result = WalkResult()
    stack: list[object] = []
    memo: dict[int, object] = {}
    seen: set[str] = set()
    built = 0

    def pop_mark() -> list[object]:
        for i in range(len(stack) - 1, -1, -1):
            if stack[i] is _MARK:
                items = stack[i + 1 :]
                del stack[i:]
                return items
        raise HeaderError(tr("Pickle pops a mark it never set."))

    def add_global(g: Global) -> None:
        if g.dotted not in seen:
            seen.add(g.dotted)
            result.globals.append(g.dotted)
        stack.append(g)

    try:
        stream = io.BytesIO(data)
        stream.seek(start)
        for op, arg, pos in pickletools.genops(stream):
            built += 1
            if built > _MAX_VALUES:
                raise HeaderError(tr("Pickle is too large to inspect."))
            name = op.name
            if name == "STOP":
                result.value = stack.pop() if stack else None
                result.end = (pos or 0) + 1
                break
            if name in ("PROTO", "FRAME"):
                continue
            if name == "MARK":
                stack.append(_MARK)
            elif name == "GLOBAL":
                module, _, attr = str(arg).partition(" ")
                add_global(Global(module, attr))
            elif name == "STACK_GLOBAL":
                qualname, module_name = stack.pop(), stack.pop()
                add_global(Global(str(module_name), str(qualname)))
            elif name in ("REDUCE", "NEWOBJ"):
                args = stack.pop()
                stack.append(Call(stack.pop(), args))
            elif name == "NEWOBJ_EX":
                stack.pop()
                args = stack.pop()
                stack.append(Call(stack.pop(), args))
            elif name == "BUILD":
                state = stack.pop()
                target = stack[-1]
                if isinstance(target, Call):
                    target.state = state
            elif name in ("BINPERSID", "PERSID"):
                stack.append(PersistentId(stack.pop() if name == "BINPERSID" else arg))
            elif name in ("EMPTY_DICT", "EMPTY_LIST", "EMPTY_TUPLE", "EMPTY_SET"):
                stack.append({"EMPTY_DICT": {}, "EMPTY_LIST": [], "EMPTY_SET": []}.get(name, ()))
            elif name in ("TUPLE1", "TUPLE2", "TUPLE3"):
                n = int(name[-1])
                items = stack[-n:]
                del stack[-n:]
                stack.append(tuple(items))
            elif name == "TUPLE":
                stack.append(tuple(pop_mark()))
            elif name == "LIST":
                stack.append(pop_mark())
            elif name in ("DICT", "SETITEMS"):
                items = pop_mark()
                target = {} if name == "DICT" else _dict_of(stack[-1])
                if isinstance(target, dict):
                    for k, v in zip(items[::2], items[1::2], strict=False):
                        target[_key(k)] = v
                if name == "DICT":
                    stack.append(target)
            elif name == "SETITEM":
                v, k = stack.pop(), stack.pop()
                target = _dict_of(stack[-1])
                if isinstance(target, dict):
                    target[_key(k)] = v
            elif name in ("APPEND", "APPENDS", "ADDITEMS"):
                items = [stack.pop()] if name == "APPEND" else pop_mark()
                if isinstance(stack[-1], list):
                    stack[-1].extend(items)
            elif name == "FROZENSET":
                stack.append(pop_mark())
            elif name in ("PUT", "BINPUT", "LONG_BINPUT"):
                memo[int(str(arg))] = stack[-1]
            elif name == "MEMOIZE":
                memo[len(memo)] = stack[-1]
            elif name in ("GET", "BINGET", "LONG_BINGET"):
                stack.append(memo[int(str(arg))])
            elif name == "POP":
                stack.pop()
            elif name == "POP_MARK":
                pop_mark()
            elif name == "DUP":
                stack.append(stack[-1])
            elif name in ("NONE", "NEWTRUE", "NEWFALSE"):
                stack.append({"NONE": None, "NEWTRUE": True, "NEWFALSE": False}[name])
            else:
                # Every other opcode pushes one decoded constant (ints, floats, strings, bytes).
                stack.append(arg)
    except HeaderError as exc:
        result.error = problem_text(exc)
    except (ValueError, IndexError, KeyError, TypeError, RecursionError) as exc:
        result.error = tr("Pickle stream is malformed or truncated: {reason}", reason=str(exc))
    return result


def _dict_of(target: object) -> object:
    """Where ``SETITEM(S)`` puts items: a dict, or the state of a constructed mapping."""
    if isinstance(target, Call):
        if target.state is None:
            target.state = {}
        return target.state
    return target


def _key(key: object) -> object:
    """A dict key that is hashable whatever the pickle put there."""
    try:
        hash(key)
    except TypeError:
        return repr(type(key))
    return key
