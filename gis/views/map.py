"""The coordinator's map of premises, the risk list and the export of a selection.

All three take the same filters (:class:`gis.forms.map.PremisesFilterForm`) and start
from the premises the user may see. The map's marker data is one ``values_list`` query
whatever the number of premises.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gis.access import require_risk_role, visible_premises, visible_zones
from gis.forms.map import ExportForm, PremisesFilterForm
from gis.models import Premises
from gis.risk import BANDS, premises_band
from gis.risk_list import DEFAULT_SORT, RiskSortForm, risk_csv, sort_headings
from gis.views.reference import map_background
from partners import audit
from partners.http import HtmxHttpRequest
from partners.models import AuditEntry, Municipality

RISK_PAGE_SIZE = 50
# The popup URL template handed to map.js: it puts each marker's code in place of this.
CODE_PLACEHOLDER = "00000000-0000-0000-0000-000000000000"
BAND_INDEX = {name: index for index, name in enumerate(BANDS)}
EXPORT_TYPES = {
    "geojson": ("application/geo+json", "geojson"),
    "gpkg": ("application/geopackage+sqlite3", "gpkg"),
}


def marker_rows(premises: QuerySet[Premises]) -> list[list[Any]]:
    """``[code hex, lat, lon, band index, name]`` per premises: compact, one query. The
    name is what a screen reader announces for the marker's button (static/integra/map.js)."""
    rows = premises.order_by().values_list(
        "code", "lat", "lon", "risk_score", "flagged_manually", "name", "address", "parcel_key"
    )
    return [
        [
            code.hex,
            round(lat, 6),
            round(lon, 6),
            BAND_INDEX[premises_band(score, manual)],
            Premises.name_for(name, address, parcel_key, lat, lon),
        ]
        for code, lat, lon, score, manual, name, address, parcel_key in rows
    ]


def zone_features(user: Any) -> dict[str, Any]:
    zones = visible_zones(user).values_list("code", "name", "kind", "geometry")
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": str(code), "name": name, "kind": kind},
                "geometry": geometry,
            }
            for code, name, kind, geometry in zones
        ],
    }


def filter_query(request: HttpRequest, *without: str) -> str:
    """The request's filters as a query string, without paging, export format or the
    other keys named."""
    query = request.GET.copy()
    for key in ("page", "format", *without):
        query.pop(key, None)
    return query.urlencode()


def selection_context(request: HttpRequest, form: PremisesFilterForm) -> dict[str, Any]:
    if not form.is_valid():
        return {"markers": None}
    markers = marker_rows(form.filter(visible_premises(request.user)))
    return {"markers": markers, "count": len(markers), "query": filter_query(request)}


@login_required
def premises_map(request: HtmxHttpRequest) -> HttpResponse:
    require_risk_role(request)
    form = PremisesFilterForm(request.GET, user=request.user)
    context: dict[str, Any] = {"form": form, **selection_context(request, form)}
    if request.htmx:
        return render(request, "gis/map.html#results", context)
    context["zones"] = zone_features(request.user)
    context["map_background"] = map_background(request.user)
    context["map_config"] = {
        "popupUrl": reverse("gis-premises-popup", args=[CODE_PLACEHOLDER]),
        "placeholder": CODE_PLACEHOLDER,
        # Only used when there is nothing to show: the middle of Belgium.
        "center": [50.64, 4.67],
        "bands": [str(label) for label in (_("low"), _("medium"), _("high"))],
    }
    return render(request, "gis/map.html", context)


@login_required
def risk_list(request: HtmxHttpRequest) -> HttpResponse:
    """Premises by risk score (or the order chosen in ``?sort=``), with the map's filters,
    a page at a time; ``?format=csv`` downloads every page of it (audited)."""
    require_risk_role(request)
    form = PremisesFilterForm(request.GET, user=request.user)
    sort_form = RiskSortForm(request.GET)
    premises = visible_premises(request.user).select_related("sector")
    valid = form.is_valid() and sort_form.is_valid()
    premises = sort_form.ordered(form.filter(premises)) if valid else premises.none()
    if valid and request.GET.get("format") == "csv":
        return risk_csv_response(request, premises)
    page_obj = Paginator(premises, RISK_PAGE_SIZE).get_page(request.GET.get("page"))
    sort = (sort_form.cleaned_data.get("sort") if valid else "") or DEFAULT_SORT
    context = {
        "form": form,
        "sort_form": sort_form,
        "page_obj": page_obj,
        "rows": [
            (item, premises_band(item.risk_score, item.flagged_manually)) for item in page_obj
        ],
        "query": filter_query(request),
        "unsorted_query": filter_query(request, "sort"),
        "sort": sort,
        "headings": sort_headings(sort),
    }
    template = "gis/risk_list.html#results" if request.htmx else "gis/risk_list.html"
    return render(request, template, context)


def risk_csv_response(request: HttpRequest, premises: QuerySet[Premises]) -> HttpResponse:
    audit_export(request.user, premises, "csv")
    response = HttpResponse(risk_csv(premises.iterator()), content_type="text/csv; charset=utf-8")
    name = _("risk-list")
    response["Content-Disposition"] = (
        f'attachment; filename="{name}-{timezone.localdate():%Y-%m-%d}.csv"'
    )
    return response


@login_required
def premises_export(request: HttpRequest) -> HttpResponse:
    """The current selection as a file; every export is audited per municipality."""
    require_risk_role(request)
    form = ExportForm(request.GET, user=request.user)
    if not form.is_valid():
        message = _("Nothing was exported: %s") % form.errors.as_text()
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    from gis.exporting import export_premises

    fmt = form.cleaned_data["format"]
    premises = form.filter(visible_premises(request.user))
    data = export_premises(premises, fmt)
    audit_export(request.user, premises, fmt)
    content_type, extension = EXPORT_TYPES[fmt]
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="premises.{extension}"'
    return response


def audit_export(user: Any, premises: QuerySet[Premises], fmt: str) -> None:
    counts = premises.order_by().values("municipality").annotate(count=Count("pk"))
    municipalities = Municipality.objects.in_bulk([row["municipality"] for row in counts])
    if not counts:
        audit.record(user, AuditEntry.Action.EXPORT, object_type="gis.Premises", count=0)
    for row in counts:
        audit.record(
            user,
            AuditEntry.Action.EXPORT,
            object_type="gis.Premises",
            municipality=municipalities[row["municipality"]],
            count=row["count"],
            format=fmt,
        )
