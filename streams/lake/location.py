"""Where a lake lives: a local folder, or any pyarrow filesystem (S3, GCS, ...) by URI.

A local lake stays a `pathlib.Path`, so its writes keep fsync, `rename` and `flock`.
A URI becomes an `ObjectPath`: the few pathlib methods the lake uses (`/`, `name`,
`parent`, `read_bytes`, `write_bytes`, `glob`, `rglob`, `stat`, `unlink`, `open`),
answered by a `pyarrow.fs.FileSystem`. An object PUT is atomic (readers see the old
object or the new one), which is all `write_atomic` needs; what object stores lack is
a lock, which `streams.lake.lease` supplies for manifests.

URIs are pyarrow's, options included, e.g.
`s3://bucket/lake?region=eu-west-1` or, for an S3-compatible store on loopback,
`s3://bucket/lake?endpoint_override=127.0.0.1:9000&scheme=http` (a GCS emulator:
`gs://anonymous@bucket/lake?endpoint_override=127.0.0.1:4443&scheme=http`). Credentials
come from the usual environment (`AWS_ACCESS_KEY_ID`, ...; for GCS, application default
credentials). What a lake path prints is scheme, bucket and key only: query options and
user info, which may carry secrets, never reach a message.
"""

from __future__ import annotations

import fnmatch
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePath, PurePosixPath
from typing import IO, Any
from urllib.parse import urlsplit

from streams.errors import UsageError

LOCAL_SCHEMES = ("", "file")


@dataclass(frozen=True)
class Stat:
    """The part of `os.stat_result` the lake reads."""

    st_size: int
    st_mtime_ns: int = 0
    st_ino: int = 0


class ObjectPath:
    """A key in a pyarrow filesystem, behaving like the pathlib subset the lake needs."""

    def __init__(self, fs: Any, path: str, scheme: str, *, info: Any = None) -> None:
        self.fs, self.path, self.scheme = fs, path.strip("/"), scheme
        self._info = info  # a FileInfo from a listing: saves one request per file

    # -- names -------------------------------------------------------------------------

    def __truediv__(self, other: str | PurePath) -> ObjectPath:
        rel = other.as_posix() if isinstance(other, PurePath) else str(other)
        return ObjectPath(self.fs, f"{self.path}/{rel.strip('/')}", self.scheme)

    def __str__(self) -> str:
        return f"{self.scheme}://{self.path}"

    def __repr__(self) -> str:
        return f"ObjectPath({str(self)!r})"

    def __fspath__(self) -> str:  # pragma: no cover - guards against os.* on a URI
        raise TypeError(f"{self} is not a local path")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ObjectPath) and (self.scheme, self.path) == (other.scheme,
                                                                              other.path)

    def __hash__(self) -> int:
        return hash((self.scheme, self.path))

    def __lt__(self, other: ObjectPath) -> bool:
        return self.path < other.path

    @property
    def name(self) -> str:
        return self.path.rpartition("/")[2]

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.name).suffix

    @property
    def parent(self) -> ObjectPath:
        return ObjectPath(self.fs, self.path.rpartition("/")[0] or self.path, self.scheme)

    def with_name(self, name: str) -> ObjectPath:
        return self.parent / name

    def relative_to(self, other: LakePath) -> PurePosixPath:
        inside = isinstance(other, ObjectPath) and (
            self.path == other.path or self.path.startswith(other.path + "/"))
        if not inside:
            raise ValueError(f"{self} is not under {other}")
        assert isinstance(other, ObjectPath)
        return PurePosixPath(self.path[len(other.path):].lstrip("/") or ".")

    def as_posix(self) -> str:
        return str(self)

    def resolve(self) -> ObjectPath:
        return self

    # -- what is there -----------------------------------------------------------------

    def _file_info(self) -> Any:
        if self._info is None:
            self._info = self.fs.get_file_info(self.path)
        return self._info

    def exists(self) -> bool:
        from pyarrow.fs import FileType

        return bool(self._file_info().type != FileType.NotFound)

    def is_file(self) -> bool:
        from pyarrow.fs import FileType

        return bool(self._file_info().type == FileType.File)

    def is_dir(self) -> bool:
        from pyarrow.fs import FileType

        return bool(self.fs.get_file_info(self.path).type == FileType.Directory)

    def stat(self) -> Stat:
        info = self._file_info()
        if not self.is_file():
            raise FileNotFoundError(str(self))
        return Stat(st_size=int(info.size), st_mtime_ns=int(info.mtime_ns or 0))

    def _walk(self) -> Iterator[ObjectPath]:
        from pyarrow.fs import FileSelector, FileType

        infos = self.fs.get_file_info(FileSelector(self.path, recursive=True,
                                                   allow_not_found=True))
        for info in infos:
            if info.type == FileType.File:
                yield ObjectPath(self.fs, info.path, self.scheme, info=info)

    def rglob(self, pattern: str) -> Iterator[ObjectPath]:
        """Files below this path whose name matches `pattern` (folders are not objects)."""
        return (p for p in self._walk() if fnmatch.fnmatchcase(p.name, pattern))

    def glob(self, pattern: str) -> Iterator[ObjectPath]:
        """Files matching a relative pattern segment by segment, as `Path.glob` does.

        Only what is below the pattern's literal leading folders is listed (for
        `events/region=*/...`, the `events/` prefix), not the whole lake.
        """
        want = pattern.strip("/").split("/")
        fixed = 0
        while fixed < len(want) - 1 and not any(c in want[fixed] for c in "*?["):
            fixed += 1
        base = self / "/".join(want[:fixed]) if fixed else self
        for p in base._walk():
            have = p.relative_to(self).parts
            if len(have) == len(want) and all(fnmatch.fnmatchcase(h, w)
                                              for h, w in zip(have, want, strict=True)):
                yield p

    # -- content -----------------------------------------------------------------------

    def read_bytes(self) -> bytes:
        try:
            with self.fs.open_input_stream(self.path) as fh:
                return bytes(fh.read())
        except FileNotFoundError:
            raise FileNotFoundError(str(self)) from None

    def read_text(self, encoding: str = "utf-8") -> str:
        return self.read_bytes().decode(encoding)

    def write_bytes(self, data: bytes) -> int:
        """One PUT: readers see the old object or the new one, never part of it."""
        with self.fs.open_output_stream(self.path) as fh:
            fh.write(data)
        self._info = None
        return len(data)

    def unlink(self, missing_ok: bool = False) -> None:
        try:
            self.fs.delete_file(self.path)
        except FileNotFoundError:
            if not missing_ok:
                raise FileNotFoundError(str(self)) from None
        self._info = None

    def mkdir(self, mode: int = 0o777, parents: bool = False, exist_ok: bool = False) -> None:
        """Object stores have no folders: keys make their prefixes exist."""

    def open(self, mode: str = "rb", encoding: str | None = None) -> IO[Any]:
        if mode == "rb":
            return self.fs.open_input_file(self.path)  # type: ignore[no-any-return]
        if mode in ("w", "wb"):
            return _Upload(self, text=mode == "w")  # type: ignore[return-value]
        raise ValueError(f"unsupported mode {mode!r} for {self}")


class _Upload(io.BytesIO):
    """A write-only file that becomes one object when closed (dead-letter files)."""

    def __init__(self, target: ObjectPath, *, text: bool) -> None:
        super().__init__()
        self.target, self.text = target, text

    def write(self, data: Any) -> int:  # type: ignore[override]
        return super().write(data.encode("utf-8") if self.text else data)

    def close(self) -> None:
        if not self.closed:
            self.target.write_bytes(self.getvalue())
        super().close()


LakePath = Path | ObjectPath
"""A lake or a file in it: a local `Path`, or an `ObjectPath` in an object store."""


def is_uri(where: str) -> bool:
    scheme = urlsplit(where).scheme
    return len(scheme) > 1 and scheme not in LOCAL_SCHEMES  # "C:" is a drive, not a scheme


def lake_location(where: str | LakePath) -> LakePath:
    """A local folder as a `Path` (also for `file://`), anything else through pyarrow;
    a lake already opened is returned as it is."""
    if isinstance(where, Path | ObjectPath):
        return where
    if urlsplit(where).scheme == "file":
        return Path(urlsplit(where).path)
    if not is_uri(where):
        return Path(where)
    from pyarrow import ArrowException
    from pyarrow.fs import FileSystem

    parts = urlsplit(where)
    # shown without query options or user info (`s3://KEY:SECRET@bucket`, `gs://anonymous@`)
    shown = f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}{parts.path}"
    try:
        fs, path = FileSystem.from_uri(where)
    except (ArrowException, ValueError, OSError) as exc:
        raise UsageError(f"cannot open lake {shown}: {str(exc).splitlines()[0]}") from None
    if not path.strip("/"):
        raise UsageError(f"lake URI {shown} names no bucket")
    return ObjectPath(fs, path, parts.scheme)


def find(root: LakePath, pattern: str, *, recursive: bool = True) -> list[LakePath]:
    """Files under `root` matching `pattern` (by name with `recursive`, else a relative
    glob), in pathlib's order; none when `root` is not there."""
    if not root.is_dir():
        return []
    found: list[LakePath] = list(root.rglob(pattern) if recursive else root.glob(pattern))
    return sorted((p for p in found if p.is_file()), key=_parts)


def _parts(path: LakePath) -> tuple[str, ...]:
    return tuple(path.path.split("/")) if isinstance(path, ObjectPath) else path.parts


def parquet_source(path: LakePath) -> tuple[str, Any]:
    """(path, filesystem) as `pyarrow.parquet` functions take them."""
    if isinstance(path, ObjectPath):
        return path.path, path.fs
    return str(path), None
