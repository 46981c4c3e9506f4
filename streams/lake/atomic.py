"""Atomic file writes: a temporary name, fsync, `os.replace`, fsync of the folder.

Readers (DuckDB, a restarted lander, `verify`) see the old file or the new one,
never half of one. Temporary files start with a dot and end in `.tmp`, so globs over
`*.parquet` skip them and `verify` can tell a crash leftover from an inserted file.
In an object store (`ObjectPath`) a single PUT already has that property.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import overload

from streams.lake.location import LakePath, ObjectPath

TMP_SUFFIX = ".tmp"


def temp_name(path: Path) -> Path:
    """Where `path` is written before it is renamed into place."""
    return path.with_name(f".{path.name}{TMP_SUFFIX}")


def is_temp(path: LakePath) -> bool:
    return path.name.startswith(".") and path.name.endswith(TMP_SUFFIX)


@overload
def write_atomic(path: Path, data: bytes) -> Path: ...
@overload
def write_atomic(path: ObjectPath, data: bytes) -> ObjectPath: ...
@overload
def write_atomic(path: LakePath, data: bytes) -> LakePath: ...
def write_atomic(path: LakePath, data: bytes) -> LakePath:
    """Replace `path` with `data` durably and atomically."""
    if isinstance(path, ObjectPath):
        path.write_bytes(data)
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_name(path)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    fsync_dir(path.parent)
    return path


def fsync_dir(folder: Path) -> None:
    """Make a rename inside `folder` durable (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
