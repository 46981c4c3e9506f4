"""The spool: FIFO order, durability across reopen, torn/corrupt tails, the bound, the lock."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from streams.gateway.errors import SpoolCorrupt, SpoolFull, SpoolLocked
from streams.gateway.spool import Spool, frame


def _drain(spool: Spool, batch: int = 7) -> list[bytes]:
    out: list[bytes] = []
    while len(spool):
        got = spool.peek(max_records=batch)
        assert got.records, "pending records but peek returned none"
        out += got.records
        spool.commit(got)
    return out


def _segments(directory: Path) -> list[Path]:
    return sorted(directory.glob("seg-*.log"))


def test_fifo_order_across_segments(tmp_path: Path) -> None:
    spool = Spool(tmp_path, segment_bytes=256)
    records = [f"record-{i:04d}".encode() * (1 + i % 5) for i in range(200)]
    for r in records:
        spool.append(r)
    assert len(_segments(tmp_path)) > 5, "small segments must roll over"
    assert len(spool) == 200
    assert _drain(spool) == records
    assert len(spool) == 0 and spool.pending_bytes == 0
    assert _segments(tmp_path) == [], "an empty spool keeps no segment files"
    spool.close()


def test_appends_interleaved_with_commits_keep_order(tmp_path: Path) -> None:
    spool = Spool(tmp_path, segment_bytes=128)
    seen, n = [], 0
    for round_ in range(30):
        for _ in range(round_ % 4 + 1):
            spool.append(str(n).encode())
            n += 1
        got = spool.peek(max_records=3)
        spool.commit(got)
        seen += got.records
    seen += _drain(spool)
    assert seen == [str(i).encode() for i in range(n)]
    spool.close()


def test_survives_reopen_with_partial_consumption(tmp_path: Path) -> None:
    spool = Spool(tmp_path, segment_bytes=200)
    for i in range(50):
        spool.append(b"x%d" % i)
    spool.commit(spool.peek(max_records=20))
    spool.close()
    again = Spool(tmp_path, segment_bytes=200)
    assert len(again) == 30
    again.append(b"after-restart")
    assert _drain(again) == [b"x%d" % i for i in range(20, 50)] + [b"after-restart"]
    again.close()


def test_survives_a_killed_process(tmp_path: Path) -> None:
    """Records appended by a process killed with SIGKILL (no close, no fsync) are all there."""
    code = ("import os, sys, signal\n"
            "from streams.gateway.spool import Spool\n"
            f"s = Spool({str(tmp_path)!r}, fsync='never')\n"
            "for i in range(100): s.append(b'rec-%d' % i)\n"
            "os.kill(os.getpid(), signal.SIGKILL)\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).parents[3],
                          timeout=60, check=False)
    assert done.returncode == -9
    spool = Spool(tmp_path)
    assert _drain(spool) == [b"rec-%d" % i for i in range(100)]
    spool.close()


@pytest.mark.parametrize("cut", [1, 4, 7, 8, 9, 17])
def test_torn_tail_keeps_intact_records_and_reports_the_torn_one(tmp_path: Path,
                                                                 cut: int) -> None:
    spool = Spool(tmp_path)
    for i in range(10):
        spool.append(b"payload-%02d" % i)
    spool.close()
    seg = _segments(tmp_path)[-1]
    size = seg.stat().st_size
    last = len(frame(b"payload-09"))
    with open(seg, "r+b") as fh:  # cut the last record mid-way (header or body)
        fh.truncate(size - last + cut)
    spool = Spool(tmp_path)
    assert len(spool.torn) == 1
    torn = spool.torn[0]
    assert torn.offset == size - last
    assert "torn" in torn.reason
    assert torn.quarantined is not None and torn.quarantined.read_bytes() == \
        frame(b"payload-09")[:cut]
    spool.append(b"next")  # appends continue cleanly after the cut
    assert _drain(spool) == [b"payload-%02d" % i for i in range(9)] + [b"next"]
    spool.close()


def test_crc_detects_a_flipped_bit(tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    for i in range(5):
        spool.append(b"card-%d" % i)
    spool.close()
    seg = _segments(tmp_path)[0]
    data = bytearray(seg.read_bytes())
    third = 2 * len(frame(b"card-0"))
    data[third + 9] ^= 0x01  # one bit inside the third record's payload
    seg.write_bytes(bytes(data))
    spool = Spool(tmp_path)
    assert [t.reason for t in spool.torn] == ["record crc mismatch"]
    assert spool.torn[0].offset == third
    assert _drain(spool) == [b"card-0", b"card-1"]
    spool.close()


def test_corrupt_length_is_not_trusted(tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    spool.append(b"ok")
    spool.close()
    with open(_segments(tmp_path)[0], "ab") as fh:
        fh.write(b"\xff\xff\xff\xff\x00\x00\x00\x00garbage")
    spool = Spool(tmp_path)
    assert [t.reason for t in spool.torn] == ["corrupt record length"]
    assert _drain(spool) == [b"ok"]
    spool.close()


def test_bound_raises_spool_full_and_keeps_what_it_has(tmp_path: Path) -> None:
    spool = Spool(tmp_path, max_bytes=10 * len(frame(b"0123456789")))
    for _ in range(10):
        spool.append(b"0123456789")
    with pytest.raises(SpoolFull) as info:
        spool.append(b"0123456789")
    assert info.value.max_bytes == spool.max_bytes
    assert info.value.pending_bytes == spool.pending_bytes
    assert "full" in str(info.value)
    assert len(spool) == 10
    spool.append(b"accepted-earlier", force=True)  # force: for records already accepted
    assert len(spool) == 11
    spool.commit(spool.peek(max_records=5))  # room again after a commit
    spool.append(b"0123456789")
    assert len(spool) == 7
    spool.close()


def test_one_process_at_a_time(tmp_path: Path) -> None:
    first = Spool(tmp_path)
    code = ("from streams.gateway.spool import Spool\n"
            f"Spool({str(tmp_path)!r})\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).parents[3],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode != 0 and "SpoolLocked" in done.stderr
    first.close()
    with Spool(tmp_path) as second:  # released on close
        assert len(second) == 0


def test_lock_in_process(tmp_path: Path) -> None:
    first = Spool(tmp_path)
    with pytest.raises(SpoolLocked):
        Spool(tmp_path)
    first.close()


def test_files_are_private(tmp_path: Path) -> None:
    target = tmp_path / "spool"
    spool = Spool(target)
    spool.append(b"secret")
    assert (target.stat().st_mode & 0o777) == 0o700
    assert all((p.stat().st_mode & 0o077) == 0 for p in _segments(target))
    spool.close()


def test_unreadable_cursor_is_an_error(tmp_path: Path) -> None:
    Spool(tmp_path).close()
    (tmp_path / "cursor").write_text("not a cursor")
    with pytest.raises(SpoolCorrupt):
        Spool(tmp_path)


def test_fsync_always_and_sync(tmp_path: Path) -> None:
    spool = Spool(tmp_path, fsync="always")
    spool.append(b"a")
    spool.sync()
    spool.close()
    with pytest.raises(ValueError):
        Spool(tmp_path / "x", fsync="sometimes")  # type: ignore[arg-type]
    assert os.path.exists(tmp_path / "lock")
