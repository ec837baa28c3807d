"""The JSON the runtime reads events with and writes results and error documents in.

AWS's runtime encodes with simplejson (`allow_nan=True`; `ensure_ascii=False` from
python3.12 on, escaped ASCII before), which differs from the standard library's `json`:
`Decimal` is written as its exact text, a named tuple is an object, `bytes` inside a value
are decoded as UTF-8, and a dict key may also be a float, bool or None. This encoder
follows those rules with the standard library only; a value it cannot write raises the
`TypeError` simplejson raises, which the runtime turns into `Runtime.MarshalError`.
"""

import decimal
import json
import math
import os

_ESCAPE = json.encoder.py_encode_basestring
_ESCAPE_ASCII = json.encoder.py_encode_basestring_ascii
try:
    from _json import encode_basestring as _ESCAPE, encode_basestring_ascii as _ESCAPE_ASCII  # noqa: F811
except ImportError:  # pragma: no cover - the C accelerator is part of CPython
    pass

#: The runtimes whose encoder keeps non-ASCII characters as they are.
_UNESCAPED_RUNTIMES = {
    "AWS_Lambda_python3.12",
    "AWS_Lambda_python3.13",
    "AWS_Lambda_python3.14",
    "AWS_Lambda_python3.15",
}


def _float_text(value):
    if value != value:
        return "NaN"
    if value == math.inf:
        return "Infinity"
    if value == -math.inf:
        return "-Infinity"
    return repr(float(value))


def _decimal_text(value):
    if value.is_nan():
        return "NaN"
    return str(value)


class Encoder:
    """Writes one value as the runtime does; `ascii_only` escapes non-ASCII characters."""

    def __init__(self, ascii_only=None):
        if ascii_only is None:
            ascii_only = os.environ.get("AWS_EXECUTION_ENV") not in _UNESCAPED_RUNTIMES
        self._quote = _ESCAPE_ASCII if ascii_only else _ESCAPE

    def encode(self, value):
        """The JSON text of `value`."""
        out = []
        self._write(value, out, set())
        return "".join(out)

    def _scalar(self, value):
        """The text of a value that has no children, or None."""
        if isinstance(value, str):
            return self._quote(value)
        if isinstance(value, bytes):
            return self._quote(str(value, "utf-8"))
        if value is None:
            return "null"
        if value is True:
            return "true"
        if value is False:
            return "false"
        if isinstance(value, int):
            return str(int(value))
        if isinstance(value, float):
            return _float_text(value)
        if isinstance(value, decimal.Decimal):
            return _decimal_text(value)
        return None

    def _key(self, key):
        if isinstance(key, str):
            return key
        if isinstance(key, bytes):
            return str(key, "utf-8")
        if isinstance(key, float):
            return _float_text(key)
        if key is True:
            return "true"
        if key is False:
            return "false"
        if key is None:
            return "null"
        if isinstance(key, int):
            return str(int(key))
        if isinstance(key, decimal.Decimal):
            return str(key)
        raise TypeError(
            "keys must be str, int, float, bool or None, not %s" % key.__class__.__name__
        )

    def _write(self, value, out, seen):
        text = self._scalar(value)
        if text is not None:
            out.append(text)
            return
        if isinstance(value, list):
            self._enter(value, seen)
            self._write_list(value, out, seen)
            seen.discard(id(value))
            return
        as_dict = _asdict(value)
        if as_dict is not None:
            self._write_container(as_dict, out, seen)
        elif isinstance(value, (tuple, dict)):
            self._write_container(value, out, seen)
        else:
            self._enter(value, seen)
            replacement = self.default(value)
            self._write(replacement, out, seen)
            seen.discard(id(value))

    def _write_container(self, value, out, seen):
        self._enter(value, seen)
        if isinstance(value, dict):
            self._write_dict(value, out, seen)
        else:
            self._write_list(value, out, seen)
        seen.discard(id(value))

    @staticmethod
    def _enter(value, seen):
        marker = id(value)
        if marker in seen:
            raise ValueError("Circular reference detected")
        seen.add(marker)

    def _write_list(self, items, out, seen):
        out.append("[")
        first = True
        for item in items:
            if not first:
                out.append(", ")
            first = False
            self._write(item, out, seen)
        out.append("]")

    def _write_dict(self, mapping, out, seen):
        out.append("{")
        first = True
        for key, item in mapping.items():
            if not first:
                out.append(", ")
            first = False
            out.append(self._quote(self._key(key)))
            out.append(": ")
            self._write(item, out, seen)
        out.append("}")

    @staticmethod
    def default(value):
        """A value of no JSON type: the error simplejson raises."""
        raise TypeError("Object of type %s is not JSON serializable" % value.__class__.__name__)


def _asdict(value):
    """A named tuple's (or any object's) `_asdict()`, which simplejson writes as an object."""
    method = getattr(value, "_asdict", None)
    if not callable(method):
        return None
    try:
        result = method()
    except TypeError:
        return None
    if not isinstance(result, dict):
        raise TypeError("_asdict() must return a dict, not %s" % type(result).__name__)
    return result


def to_json(value):
    """`value` as the runtime's JSON (error documents, results)."""
    return Encoder().encode(value)


def from_json(text):
    """An event as the handler receives it (floats as `float`, as AWS's runtime reads them)."""
    return json.loads(text)
