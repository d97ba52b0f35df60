"""In headless Chromium: a coordinator makes a sharing protocol on their own page, then
extends it with a party, a theme and a later end."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from partners.models import AuditEntry, SharingProtocol
from tests.cast import build_cast, make_partner
from tests.test_browser_planning import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.first_database_only,
    pytest.mark.django_db(transaction=True),
]


def test_coordinator_makes_and_extends_a_protocol(
    live_server: Any, page: Any, screenshot: Any
) -> None:
    cast = build_cast()
    make_partner("fire-a", "Fire", "local", cast.city_a)
    log_in(page, live_server, "coordinator")
    page.goto(live_server.url + reverse("home"))
    page.get_by_role("link", name="Sharing protocols").click()
    page.get_by_role("link", name="New sharing protocol").click()

    page.get_by_label("Title").fill("Protocol Horeca 2027")
    page.get_by_label("City A service (City A)").check()
    page.get_by_label("Police service (Police)").check()
    page.get_by_label("Public order and administrative police").check()
    page.get_by_label("Valid from").fill("2027-01-01")
    page.get_by_label("Valid to").fill("2026-12-31")
    page.get_by_role("button", name="Make the protocol").click()
    # Refused: the page says why and keeps what was typed; nothing is stored.
    expect(page.get_by_role("alert")).to_have_text(
        "The end of the validity must be after its start."
    )
    expect(page.get_by_label("Title")).to_have_value("Protocol Horeca 2027")
    expect(page.get_by_label("Police service (Police)")).to_be_checked()
    screenshot("protocol-refused")
    page.get_by_label("Valid to").fill("2027-12-31")
    page.get_by_role("button", name="Make the protocol").click()

    expect(page.get_by_role("status")).to_contain_text(
        "The sharing protocol “Protocol Horeca 2027” was made."
    )
    row = page.get_by_role("row").filter(has_text="Protocol Horeca 2027")
    expect(row).to_contain_text("Public order and administrative police")
    screenshot("protocol-made")

    row.get_by_role("link", name="Extend Protocol Horeca 2027").click()
    expect(page.get_by_role("heading", name="Extend “Protocol Horeca 2027”")).to_be_visible()
    # Parties it has already are not offered again.
    expect(page.get_by_label("Police service (Police)")).to_have_count(0)
    page.get_by_label("Fire service (Fire)").check()
    page.get_by_label("Undeclared work, Dimona and employment contracts").check()
    page.get_by_label("Valid to").fill("2028-12-31")
    screenshot("protocol-extending")
    page.get_by_role("button", name="Extend the protocol").click()
    expect(page.get_by_role("status")).to_contain_text(
        "The sharing protocol “Protocol Horeca 2027” was extended."
    )
    row = page.get_by_role("row").filter(has_text="Protocol Horeca 2027")
    expect(row).to_contain_text("Fire")
    expect(row).to_contain_text("Undeclared work")
    screenshot("protocol-extended")

    protocol = SharingProtocol.objects.get(title="Protocol Horeca 2027")
    assert protocol.valid_to == date(2028, 12, 31)
    assert set(protocol.parties.values_list("slug", flat=True)) == {"city-a", "police-a", "fire-a"}
    assert AuditEntry.objects.filter(object_code=protocol.code).count() == 2
