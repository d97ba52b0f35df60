"""In headless Chromium: the premises map draws the city's reference layer (Halle's real
address points, which trace its streets) faintly under the premises markers, without
tiles and without a request leaving the server."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from gis.models import ReferenceLayer
from tests.cast import build_cast
from tests.conftest import wait_until
from tests.gis_factories import make_premises
from tests.test_browser_map import log_in
from tests.test_gis_import import run_command
from tests.test_reference_layers import ADDRESSES, MUNICIPALITIES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.first_database_only,
]

# Pixels of the reference layer's canvas painted in the address points' colour (#6b7685,
# the outline's is #5b6472), and the stacking of the map's panes.
ADDRESS_INK = """() => {
  const canvas = document.querySelector('.leaflet-reference-pane canvas');
  if (!canvas) return 0;
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 0; i < data.length; i += 4) {
    const near =
      Math.abs(data[i] - 107) + Math.abs(data[i + 1] - 118) + Math.abs(data[i + 2] - 133);
    if (data[i + 3] > 0 && near < 12) painted += 1;
  }
  return painted;
}"""
PANES = """() => {
  const pane = (name) => document.querySelector('.leaflet-' + name + '-pane');
  const z = (name) => Number(getComputedStyle(pane(name)).zIndex);
  return {reference: z('reference'), overlay: z('overlay'), marker: z('marker'), tile: z('tile')};
}"""


def test_premises_map_draws_the_address_points_under_the_markers(
    live_server: Any, page: Any, screenshot: Any
) -> None:
    cast = build_cast()
    run_command(
        "import_reference_layer", ADDRESSES, "--municipality", "23027", "--kind", "addresses",
        "--name", "Adrespunten", "--where", "nis_code = '23027'",
    )  # fmt: skip
    run_command(
        "import_reference_layer", MUNICIPALITIES, "--municipality", "23027", "--kind",
        "neighbourhoods", "--name", "Gemeentegrens", "--where", "geoitem = '23027'",
    )  # fmt: skip
    # A few premises among Lembeek's streets, far enough apart to stay unclustered.
    for number in range(5):
        make_premises(
            cast.city_a, number, name=f"Nachtwinkel {number}",
            lon=4.205 + number * 0.006, lat=50.705 + (number % 2) * 0.004,
        )  # fmt: skip
    assert ReferenceLayer.objects.count() == 2

    log_in(page, live_server.url, "coordinator")
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith(live_server.url) and not request.url.startswith("data:")
            else None
        ),
    )
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    with page.expect_response(lambda response: "reference-layers" in response.url) as answer:
        page.goto(live_server.url + reverse("gis-map"))
    assert answer.value.status == 200
    assert "municipality" not in answer.value.url or "23027" in answer.value.url
    wait_until(page, "() => Number(document.getElementById('map').dataset.referenceFeatures) > 0")
    features = int(page.locator("#map").get_attribute("data-reference-features") or 0)
    assert features > 1000, "Lembeek's address points in view"
    assert page.locator("#map").get_attribute("data-reference-layers") == "2"
    # Every dot is a few pixels: more than a thousand dots paint thousands of them.
    wait_until(page, ADDRESS_INK.replace("return painted;", "return painted > 3000;"))
    panes = page.evaluate(PANES)
    assert panes["tile"] < panes["reference"] < panes["overlay"] < panes["marker"], panes
    # The markers stay on top and clickable: the layer takes no pointer events.
    expect(page.locator(".risk-marker")).to_have_count(5)
    marker = page.locator(".risk-marker").first
    box = marker.bounding_box()
    assert box is not None
    on_top = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('.risk-marker') !== null",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert on_top
    assert (
        page.locator(".leaflet-reference-pane").evaluate(
            "(pane) => getComputedStyle(pane).pointerEvents"
        )
        == "none"
    )
    screenshot("map-reference-layers")
    assert outside == [], "no tile or layer request leaves the server"
    assert errors == []
    # The zoom buttons, which Leaflet names in English, read in the page's language.
    page.context.add_cookies([{"name": "django_language", "value": "fr", "url": live_server.url}])
    page.reload()
    expect(page.locator(".leaflet-control-zoom-in")).to_have_attribute("title", "Zoom avant")
    expect(page.locator(".leaflet-control-zoom-out")).to_have_attribute("title", "Zoom arrière")
