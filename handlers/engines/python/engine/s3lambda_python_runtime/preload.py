"""The standard library modules the engine holds.

Only what is imported while the engine is built exists when it runs (the build snapshots
the interpreter's memory; the standard library's files are not in the component), so this
list is what a function can `import` from the standard library. The README lists it.
"""

import importlib

#: Imported at build time, in this order. Keep the README's list in step.
MODULES = (
    "abc", "argparse", "array", "ast", "asyncio", "base64", "binascii", "bisect",
    "calendar", "cmath", "codecs", "collections", "collections.abc", "colorsys",
    "contextlib", "contextvars", "copy", "csv", "dataclasses", "datetime", "decimal",
    "difflib", "email", "email.message", "email.parser", "email.utils", "enum", "errno",
    "fnmatch", "fractions", "functools", "gc", "glob", "gzip", "hashlib", "heapq", "hmac",
    "html", "html.parser", "http", "http.client", "importlib", "importlib.metadata",
    "importlib.resources", "inspect", "io", "ipaddress", "itertools",
    "json", "keyword", "linecache", "locale", "logging", "logging.handlers", "math",
    "mimetypes", "numbers", "operator", "os", "os.path", "pathlib", "pickle", "platform",
    "pprint", "queue", "quopri", "random", "re", "secrets", "shlex", "shutil", "signal",
    "socket", "stat", "statistics", "string", "struct", "sys", "tempfile", "textwrap",
    "threading", "time", "timeit", "traceback", "types", "typing", "unicodedata",
    "urllib", "urllib.error", "urllib.parse", "urllib.request", "uuid", "warnings",
    "weakref", "xml", "xml.dom.minidom", "xml.etree.ElementTree", "zipfile", "zlib",
    "zoneinfo",
)


def load():
    """Import every module of `MODULES`; the names that could not be imported."""
    missing = []
    for name in MODULES:
        try:
            importlib.import_module(name)
        except Exception as e:  # a module this WebAssembly CPython lacks
            missing.append("%s (%s: %s)" % (name, type(e).__name__, e))
    return missing
