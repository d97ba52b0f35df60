"""Two nodes, one city, in brief (``make cluster-test`` is the full run): two gunicorn
nodes and a worker on PostgreSQL, Redis and an S3 server; two inspectors' outboxes
spread over both nodes while node A is killed once mid-flush; nothing lost or doubled,
every photo in the bucket, the session and the worker's PDFs good on both nodes."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.cluster import redis_reachable
from bench.load import postgres_reachable

# Its own processes, database and broker: nothing of the suite's database is involved,
# so the second database run of make test leaves it to the first.
pytestmark = pytest.mark.once_per_make_test

ROOT = Path(__file__).resolve().parent.parent
# Its own database and Redis database, so a `make cluster-test` at the same time does
# not collide with it.
DATABASE = "integra_cluster_test"
REDIS_DB = 12
# The first run on a machine also migrates the template database and collects the
# static files (a minute or two on a busy machine); later runs reuse both.
TIMEOUT = 360


def test_two_nodes_lose_nothing_when_one_is_killed_mid_flush() -> None:
    if not postgres_reachable():
        pytest.skip("no PostgreSQL on 127.0.0.1:5432: the cluster run needs one")
    if not redis_reachable(REDIS_DB):
        pytest.skip("no Redis on 127.0.0.1:6379: the cluster run needs it as its broker")
    command = [
        sys.executable, "-m", "bench.cluster", "--rounds", "1", "--inspectors", "2",
        "--database", DATABASE, "--redis-db", str(REDIS_DB),
    ]  # fmt: skip
    started = time.monotonic()
    run = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        stdout, _ = run.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        # SIGTERM: the run ends the processes it started before it exits.
        run.terminate()
        stdout, _ = run.communicate(timeout=120)
        pytest.fail(f"the cluster run took more than {TIMEOUT} s:\n{stdout}")
    elapsed = time.monotonic() - started
    output = stdout
    line = re.search(r"^lost=.*$", stdout, re.MULTILINE)
    assert line is not None, output
    figures = dict(pair.split("=", 1) for pair in line.group(0).split())
    assert figures["lost"] == "0", output
    assert figures["doubled"] == "0", output
    # Two inspectors, ten visits each, a photo with each social checklist.
    assert figures["photos_verified"] == "20", output
    assert figures["sessions_shared"] == "yes", output
    assert figures["packs_from_both"] == "yes", output
    assert figures["reports_from_both"] == "yes", output
    assert figures["rounds"] == "1", output
    assert "kills_mid_flush=1 " in stdout, output
    served = dict(re.findall(r"served_by_([AB])=(\d+)", stdout))
    assert int(served["A"]) > 0 and int(served["B"]) > 0, output
    assert run.returncode == 0, output
    print(f"{output}cluster run in {elapsed:.1f} s")
