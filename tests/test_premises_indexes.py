"""The premises table's indexes on parcel key, enterprise number and sector leave out the
rows without one (an address layer fills none of them, and every row it adds would
otherwise be written to three more indexes). The permit desk's lookups, the right of
access and the filters by sector must still be served by them, on SQLite and
PostgreSQL alike: checked on the plans of the queries those functions run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection

from gis import records
from gis.forms.lookup import Query
from gis.models import Premises, Sector
from gis.views.lookup import find
from partners import privacy
from tests.base import CastTestCase
from tests.gis_factories import make_premises


def premises_queries(function: Callable[[], Any]) -> list[tuple[str, Any]]:
    """The SELECTs on the premises table ``function`` runs, with their parameters."""
    found: list[tuple[str, Any]] = []

    def keep(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if sql.startswith("SELECT") and 'FROM "gis_premises"' in sql:
            found.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        function()
    return found


def plan(sql: str, params: Any) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Few rows: without this PostgreSQL would rightly read the whole table.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


class PartialIndexTests(CastTestCase):
    sector: Sector

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.sector = Sector.objects.order_by("pk").first()  # type: ignore[assignment]
        make_premises(
            cls.city_a,
            1,
            name="Carwash Zuid",
            parcel_key="23027A0123/00B000",
            enterprise_number="0123.456.749",
            sector=cls.sector,
        )
        for number in range(2, 40):
            make_premises(cls.city_a, number, sector=None)
        with connection.cursor() as cursor:
            postgresql = connection.vendor == "postgresql"
            cursor.execute("ANALYZE gis_premises" if postgresql else "ANALYZE")

    def assert_uses(self, index: str, function: Callable[[], Any]) -> Any:
        queries = premises_queries(function)
        self.assertTrue(queries)
        plans = [plan(sql, params) for sql, params in queries]
        self.assertTrue(any(index in found for found in plans), plans)

    def test_indexes_leave_out_the_empty_values(self) -> None:
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, "gis_premises")
        indexed = {
            name: info["columns"]
            for name, info in constraints.items()
            if info["index"] and name.startswith("premises_")
        }
        self.assertEqual(indexed["premises_parcel_idx"], ["parcel_key"])
        self.assertEqual(indexed["premises_enterprise_idx"], ["enterprise_number"])
        self.assertEqual(indexed["premises_sector_idx"], ["sector_id"])
        # No other index on the sector than the partial one.
        on_sector = [name for name, info in constraints.items() if info["columns"] == ["sector_id"]]
        self.assertEqual(
            [name for name in on_sector if constraints[name]["index"]], ["premises_sector_idx"]
        )

    def test_permit_desk_by_parcel_key(self) -> None:
        query = Query("parcel", "23027A0123/00B000")
        self.assert_uses("premises_parcel_idx", lambda: find(self.clerk, query))
        self.assertEqual(len(find(self.clerk, query)), 1)

    def test_permit_desk_by_enterprise_number(self) -> None:
        query = Query("enterprise", "0123.456.749")
        self.assert_uses("premises_enterprise_idx", lambda: find(self.clerk, query))
        self.assertEqual(len(find(self.clerk, query)), 1)

    def test_right_of_access_by_enterprise_number(self) -> None:
        subject = privacy.Subject(enterprise="0123.456.749")
        self.assert_uses("premises_enterprise_idx", lambda: records.premises_of(subject))
        self.assertEqual(len(records.premises_of(subject)), 1)

    def test_filter_by_sector(self) -> None:
        premises = Premises.objects.filter(sector=self.sector)
        self.assert_uses("premises_sector_idx", lambda: list(premises))
        self.assertEqual(premises.count(), 1)
