"""Issue 16: the shared rate-limit buckets (``serve --workers``) drop their least recently used key
through an index and a kept count, not by sorting every key of the kind on each new key."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from nervemap.api.ratelimit import Rate, SharedTokenBuckets


def test_processes_sharing_the_file_keep_max_keys_together(tmp_path: Path) -> None:
    now = [0.0]
    file = tmp_path / "r.db"
    first = SharedTokenBuckets(file, "k", Rate(burst=1, per_minute=1), 50, lambda: now[0])
    second = SharedTokenBuckets(file, "k", Rate(burst=1, per_minute=1), 50, lambda: now[0])
    other = SharedTokenBuckets(file, "other", Rate(burst=1, per_minute=1), 50, lambda: now[0])
    for i in range(120):
        now[0] += 1
        (first if i % 2 else second).take(f"client-{i}")
        other.take(f"client-{i % 10}")  # another kind's keys count for that kind only
    assert len(first) == len(second) == 50
    assert len(other) == 10
    assert first.take("client-119") > 0 and second.take("client-70") > 0  # the 50 most recent: kept
    assert second.take("client-69") == 0  # the oldest beyond them: dropped, starts full again
    # the count kept beside the buckets agrees with the rows (a later start reads it from the file)
    with sqlite3.connect(file) as db:
        kept = dict(db.execute("SELECT kind, keys FROM bucket_counts").fetchall())
        rows = dict(db.execute("SELECT kind, count(*) FROM buckets GROUP BY kind").fetchall())
    assert kept == rows == {"k": 50, "other": 10}


def test_the_oldest_key_is_found_through_the_index(tmp_path: Path) -> None:
    SharedTokenBuckets(tmp_path / "r.db", "k", Rate(burst=1, per_minute=1), 10)
    with sqlite3.connect(tmp_path / "r.db") as db:
        plan = " ".join(
            str(row[-1])
            for row in db.execute(
                "EXPLAIN QUERY PLAN SELECT rowid FROM buckets WHERE kind = 'k' ORDER BY at LIMIT 1"
            )
        )
    assert "buckets_by_age" in plan and "TEMP B-TREE" not in plan
