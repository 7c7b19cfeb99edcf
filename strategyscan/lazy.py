"""Names a module exports but imports only when first asked for: `strategyscan --help` should not
pay for pandas, nor `run` load it before its workers have started."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_exports(module: str, package: str, where: dict[str, str]) -> Callable[[str], Any]:
    """A module-level `__getattr__` for `module`: `where` maps each name to the module defining
    it, relative to `package` (".stage"), or to ".module:other" where it goes by another name."""

    def __getattr__(name: str) -> Any:
        if name not in where:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        source, _, attr = where[name].partition(":")
        return getattr(importlib.import_module(source, package), attr or name)

    return __getattr__
