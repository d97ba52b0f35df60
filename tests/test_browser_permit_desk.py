"""In headless Chromium: the permit clerk looks up a flagged café the way people write
it (its trade name in lower case without the accent, the street abbreviated with a box
number) and reads "flagged" with the address, parcel key and name to recognise it; an
address not in the register reads "nothing found", never "no flag"."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.cast import build_cast
from tests.gis_factories import make_premises
from tests.test_browser_map import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.first_database_only,
    pytest.mark.django_db(transaction=True),
]

FLAGGED = "Flagged: consult the administrative-approach team before granting a permit or a grant."


def look_up(page: Any, text: str) -> Any:
    """The answer to ``text``, once it has replaced the previous one."""
    page.evaluate("() => document.getElementById('lookup-result').replaceChildren()")
    page.get_by_label("Address, parcel key or enterprise number").fill(text)
    page.get_by_role("button", name="Look up").click()
    answer = page.locator("#lookup-result .lookup-answer")
    expect(answer).to_be_visible()
    return answer


def test_clerk_finds_a_flagged_cafe_written_otherwise(
    live_server: Any, page: Any, screenshot: Any
) -> None:
    cast = build_cast()
    make_premises(
        cast.city_a,
        1,
        name="Café De Zwaan",
        address="Kasteelbrakelsesteenweg 45 bus 2, 1502 Halle",
        parcel_key="23027B0456/00C000",
        flagged_manually=True,
    )
    make_premises(cast.city_a, 2, name="Bakkerij Vanhove", address="Stationsstraat 3, 1500 Halle")
    log_in(page, live_server.url, "clerk")
    page.goto(live_server.url + reverse("gis-lookup"))

    answer = look_up(page, "cafe de zwaan")
    expect(answer).to_contain_text(FLAGGED)
    expect(answer).to_contain_text("Kasteelbrakelsesteenweg 45 bus 2, 1502 Halle")
    expect(answer).to_contain_text("23027B0456/00C000")
    expect(answer).to_contain_text("Café De Zwaan")
    screenshot("permit-desk-trade-name")

    answer = look_up(page, "kasteelbrakelse stwg. 45 bte 2")
    expect(answer).to_contain_text(FLAGGED)
    expect(answer).to_contain_text("Café De Zwaan")

    answer = look_up(page, "Stationsstr. 3")
    expect(answer).to_contain_text("No flag.")
    expect(answer).to_contain_text("Bakkerij Vanhove")

    answer = look_up(page, "Kasteelbrakelsesteenweg 47")
    expect(answer).to_contain_text(
        "Nothing found for “Kasteelbrakelsesteenweg 47”: check the address or ask the team."
    )
    expect(answer).not_to_contain_text("No flag.")
    screenshot("permit-desk-nothing-found")
