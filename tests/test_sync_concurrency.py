"""The same submission sent concurrently is stored once; two partners writing at once
both keep their findings (real threads, each with its own database connection)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from inspections.models import Finding, Submission
from inspections.sync import Problem, submit
from tests.cast import build_cast
from tests.field_fixtures import build_field_day, seed_field_checklists, version_of

pytestmark = pytest.mark.django_db(transaction=True)

ANSWERS = {"persons_present": 2, "identities_checked": 2, "irregular_stay": "no"}


def run_together(work: list[Callable[[], Any]]) -> list[Any]:
    """Start every function at the same moment, each in its own thread."""
    barrier = threading.Barrier(len(work))
    results: list[Any] = [None] * len(work)

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = work[index]()
        except Exception as error:  # the test inspects what each thread met
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture(scope="module")
def threaded_database(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any
) -> Iterator[None]:
    """Threads need a database that several connections can write to: on SQLite the
    in-memory test database (shared-cache locks fail at once instead of waiting) is set
    aside for a migrated database file for this module."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():  # type: ignore[attr-defined]
        yield
        return
    with django_db_blocker.unblock():
        settings_dict = connections.settings["default"]
        original, kept = settings_dict["NAME"], connection.connection
        connection.connection = None
        settings_dict["NAME"] = str(tmp_path_factory.mktemp("threads") / "db.sqlite3")
        call_command("migrate", verbosity=0)
        yield
        connection.close()
        settings_dict["NAME"] = original
        connection.connection = kept


@pytest.fixture
def field(threaded_database: None) -> Any:
    seed_field_checklists()
    cast = build_cast()
    return cast, build_field_day(cast)


def send(user: Any, visit: Any, version: Any, client_id: uuid.UUID, answers: dict) -> Any:
    return lambda: submit(
        user=user,
        client_id=client_id,
        visit_code=visit.code,
        version_code=version.code,
        answers=answers,
        base_version=None,
        recorded_at=timezone.now(),
    )


def test_same_client_id_sent_concurrently_is_stored_once(field: Any) -> None:
    cast, day = field
    version = version_of("police-identities")
    client_id = uuid.uuid4()
    results = run_together(
        [send(cast.police_inspector, day.visits[0], version, client_id, ANSWERS)] * 6
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(1 for r in results if r.created) == 1
    assert Submission.objects.count() == 1
    assert Finding.objects.count() == 1


def test_two_partners_writing_at_once_both_keep_their_findings(field: Any) -> None:
    cast, day = field
    police = send(
        cast.police_inspector, day.visits[0], version_of("police-identities"), uuid.uuid4(), ANSWERS
    )
    social = send(
        cast.social_inspector,
        day.visits[0],
        version_of("social-employment"),
        uuid.uuid4(),
        {"workers_present": 3, "without_dimona": "no"},
    )
    results = run_together([police, social])
    assert all(r.created for r in results), results
    assert Finding.objects.filter(visit=day.visits[0]).count() == 2


def test_two_devices_creating_the_same_finding_at_once_one_wins(field: Any) -> None:
    cast, day = field
    version = version_of("police-identities")
    results = run_together(
        [
            send(cast.police_inspector, day.visits[0], version, uuid.uuid4(), ANSWERS)
            for _ in range(4)
        ]
    )
    stored = [r for r in results if not isinstance(r, Exception)]
    conflicts = [r for r in results if isinstance(r, Problem)]
    assert len(stored) == 1 and len(conflicts) == 3, results
    assert all(c.status == 409 for c in conflicts)
    assert Submission.objects.count() == 1
