"""The field app under /field/: its pages, manifest and service worker."""

from django.urls import path

from inspections.views import field

urlpatterns = [
    path("", field.field_day, name="field-day"),
    path("sw.js", field.service_worker, name="field-sw"),
    path("manifest.webmanifest", field.manifest, name="field-manifest"),
    path("visits/<uuid:code>/", field.field_visit, name="field-visit"),
    path("checklists/<uuid:version>/", field.field_checklist_form, name="field-checklist-form"),
    path(
        "visits/<uuid:code>/checklists/<uuid:version>/data/",
        field.field_checklist_data,
        name="field-checklist-data",
    ),
    path(
        "visits/<uuid:code>/checklists/<uuid:version>/",
        field.field_checklist,
        name="field-checklist",
    ),
]
