"""Loaded by the Schemathesis run of scripts/fuzz-api.sh (PYTHONPATH), before Schemathesis itself.

CPython 3.11 keeps the AST constructor's recursion count in state shared by all threads, so two threads in
`ast.parse` at once can end in "SystemError: AST constructor recursion depth mismatch" (CPython gh-106905).
Hypothesis parses a lambda's source whenever it describes a filtered strategy, and the fuzzer runs two worker
threads: the tool crashed in about half of our runs. One lock around `ast.parse` keeps the parses apart.
"""
import ast
import threading

_lock = threading.Lock()
_parse = ast.parse


def _serialized_parse(*args, **kwargs):
    with _lock:
        return _parse(*args, **kwargs)


ast.parse = _serialized_parse
