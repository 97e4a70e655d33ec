"""An ORM alias made inside a function sets itself up again on its first use in every call: on the proposal page the
latest feedback, read twice, spent most of its 1.2 ms so. Aliases are made once, in a function kept by
functools.cache (the mappers must all be imported first, so not at import time)."""

import ast

from tests.unit.test_layers import modules


def _is_cached(function):
    return any(getattr(decorator, "id", None) == "cache" for decorator in function.decorator_list)


def test_no_alias_is_made_afresh_on_every_call():
    afresh = []
    for name, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef) or _is_cached(function):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "aliased":
                    afresh.append(f"{name}.{function.name}:{node.lineno}")
    assert afresh == []
