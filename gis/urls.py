from django.urls import path  # noqa: F401 - the gis pages add their routes here

from gis.views import imports as import_views
from gis.views import lookup as lookup_views
from gis.views import map as map_views
from gis.views import premises as premises_views
from gis.views import reference as reference_views

urlpatterns: list = [
    path("imports/", import_views.import_list, name="gis-imports"),
    path("imports/upload/", import_views.import_upload, name="gis-import-upload"),
    path("imports/<uuid:code>/", import_views.import_detail, name="gis-import-detail"),
    path("imports/<uuid:code>/start/", import_views.import_start, name="gis-import-start"),
    path("imports/<uuid:code>/retry/", import_views.import_retry, name="gis-import-retry"),
    path("imports/<uuid:code>/progress/", import_views.import_progress, name="gis-import-progress"),
    path("map/", map_views.premises_map, name="gis-map"),
    path("map/export/", map_views.premises_export, name="gis-map-export"),
    path("risk/", map_views.risk_list, name="gis-risk-list"),
    path("reference-layers/", reference_views.reference_layers, name="gis-reference-layers"),
    path("lookup/", lookup_views.lookup, name="gis-lookup"),
    path("premises/<uuid:code>/", premises_views.premises_detail, name="gis-premises-detail"),
    path("premises/<uuid:code>/popup", premises_views.premises_popup, name="gis-premises-popup"),
    path("premises/<uuid:code>/signals/", premises_views.signal_create, name="gis-signal-create"),
]
