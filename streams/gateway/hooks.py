"""Data-subject hooks: who a tool call is about, derived from its arguments.

Two forms, one flag (`--subject-from`):

- an argument name or dotted path, ``patient_id`` or ``patient.id``: the subject is
  that argument's value when the call has it (the simple, common case);
- ``module:function``: a deployment's own Python function, called with the tool name
  and its arguments, returning a subject id, ``(id, region)``, ``{"id", "region"}``
  or None. It runs on the proxy's publisher thread, never on the relay.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping
from typing import Any

from streams.gateway.envelope import SubjectHook
from streams.gateway.errors import HookError

_PATH = re.compile(r"[A-Za-z_][\w-]*(?:\.[A-Za-z_0-9][\w-]*)*")
_TARGET = re.compile(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*")


def argument_hook(path: str) -> SubjectHook:
    """A hook reading `path` (dot-separated keys) from the tool arguments."""
    keys = path.split(".")

    def hook(tool: str, arguments: Mapping[str, Any]) -> Any:
        value: Any = arguments
        for key in keys:
            if not isinstance(value, Mapping) or key not in value:
                return None
            value = value[key]
        return value if isinstance(value, str | int) and not isinstance(value, bool) else None

    hook.__name__ = f"argument_hook[{path}]"
    return hook


def import_hook(target: str) -> SubjectHook:
    """The function named `module:function`, imported now so a typo fails at startup."""
    module_name, _, attr = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise HookError(f"cannot import the subject hook module {module_name!r}: "
                        f"{exc}") from None
    func = getattr(module, attr, None)
    if not callable(func):
        raise HookError(f"{target!r}: module {module_name!r} has no function {attr!r}")
    hook: Callable[[str, Mapping[str, Any]], Any] = func
    return hook


def load_subject_hook(spec: str | None) -> SubjectHook | None:
    """`patient_id`, `patient.id` or `module:function` -> a hook; None -> None."""
    if not spec:
        return None
    spec = spec.strip()
    if _TARGET.fullmatch(spec):
        return import_hook(spec)
    if _PATH.fullmatch(spec):
        return argument_hook(spec)
    raise HookError(f"--subject-from {spec!r}: give an argument name (patient_id), a dotted "
                    "path (patient.id) or a Python hook (module:function)")
