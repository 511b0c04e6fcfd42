"""The verification lookup log without a database write per lookup: each process appends one JSON line per lookup
to its own file under VERIFY_LOG_DIR, and `flush()` (the worker's periodic task, `tasks.verification_log_flush_task`)
moves the files' lines into VerificationLog in batches.

No line is lost or counted twice by a race: a writer appends under an exclusive `flock` and, once it holds the lock,
checks that its file still has a name (`st_nlink`). A flush renames the file away first, then takes the same lock,
reads the file and removes it before letting go. So a writer that opened the file before the rename either writes
before the read (the flush takes its line) or finds the file removed and writes to a fresh one. Writing to a file
that was renamed but not yet read is fine: the flush reads it later. (Comparing the open file with the one at the
path instead made writers retry on every rename, and a flush running in a loop could starve them.)
"""
from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import socket
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from khedmat.certificates.models import VerificationLog

CLAIMED = ".claimed"
STALE_CLAIM = dt.timedelta(minutes=5)  # a claimed file this old was left by a flush that died: take it again
BATCH = 1000
ATTEMPTS = 50  # a retry needs a whole flush between open() and flock(): rare, so 50 never runs out


def _directory() -> Path:
    return Path(settings.VERIFY_LOG_DIR)


def _own_file() -> Path:
    return _directory() / f"{socket.gethostname()}-{os.getpid()}.jsonl"


def append(*, ip: str | None, query: str, document_id: int | None, found: bool, channel: str) -> None:
    """Record one lookup (a file append, never a database write)."""
    line = json.dumps({"t": timezone.now().isoformat(), "ip": ip, "q": query[:100], "d": document_id,
                       "f": found, "c": channel[:10]}, ensure_ascii=False) + "\n"
    path = _own_file()
    for _attempt in range(ATTEMPTS):
        try:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            if os.fstat(fd).st_nlink:  # not yet read and removed by a flush
                os.write(fd, line.encode())
                return
        finally:
            os.close(fd)  # closing releases the lock
    raise OSError(f"could not append to the verification log {path}")


def _claimable(directory: Path):
    now = timezone.now().timestamp()
    for path in sorted(directory.iterdir()):
        if path.suffix == ".jsonl":
            yield path
        elif path.suffix == CLAIMED:
            try:
                stale = now - path.stat().st_mtime > STALE_CLAIM.total_seconds()
            except FileNotFoundError:
                continue
            if stale:
                yield path


def _rows(text: str):
    for line in text.splitlines():
        if not line.strip():
            continue
        entry = json.loads(line)
        yield VerificationLog(created_at=dt.datetime.fromisoformat(entry["t"]), ip_address=entry["ip"],
                              query=entry["q"], document_id=entry["d"], found=entry["f"], channel=entry["c"])


def flush() -> int:
    """Move every buffered lookup into VerificationLog; return how many. Safe to run in several workers at once
    (each file is claimed by an atomic rename that only one of them wins)."""
    directory = _directory()
    if not directory.is_dir():
        return 0
    moved = 0
    for path in _claimable(directory):
        claimed = directory / f"{path.stem.split('.')[0]}.{uuid.uuid4().hex}{CLAIMED}"
        try:
            os.rename(path, claimed)
        except FileNotFoundError:  # another flush took it
            continue
        with open(claimed, "rb") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)  # a writer that opened it before the rename finishes first
            text = handle.read().decode()
            claimed.unlink()  # under the lock: a writer waiting for it sees the file gone and starts a new one
        try:
            rows = list(_rows(text))
            with transaction.atomic():
                VerificationLog.objects.bulk_create(rows, batch_size=BATCH)
        except Exception:
            _restore(directory, path.stem.split(".")[0], text)  # the next flush tries these lines again
            raise
        moved += len(rows)
    return moved


def _restore(directory: Path, stem: str, text: str) -> None:
    """Put lines a flush could not store back as a file of their own (written aside, then renamed in whole)."""
    name = f"{stem}.{uuid.uuid4().hex}"
    aside = directory / f"{name}.partial"
    aside.write_text(text)
    os.rename(aside, directory / f"{name}.jsonl")


def discard() -> None:
    """Drop every buffered lookup (tests: one test's lookups must not reach the next one's database)."""
    directory = _directory()
    if directory.is_dir():
        for path in directory.iterdir():
            path.unlink(missing_ok=True)
