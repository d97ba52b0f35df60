"""The layer upload page: upload, preview with the field mapping, import in a worker with
its progress polled by HTMX. For coordinators and admins of the municipality."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gis.access import IMPORT_ROLES, visible_imports
from gis.forms.imports import MappingForm, UploadForm
from gis.importing import refuse, start_run
from gis.layers import (
    Layer,
    LayerError,
    count_features,
    detect_mapping,
    list_layers,
    read_layer,
    unpack,
)
from gis.models import ImportRun
from gis.tasks import enqueue_import, local_copy
from partners.access import require_role
from partners.http import HtmxHttpRequest

PREVIEW_ROWS = 10


def get_import_for_user(request: HttpRequest, code: Any) -> ImportRun:
    require_role(request, *IMPORT_ROLES)
    try:
        return visible_imports(request.user).select_related("municipality", "user").get(code=code)
    except (ImportRun.DoesNotExist, ValueError) as error:
        raise Http404("No such import") from error


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    require_role(request, *IMPORT_ROLES)
    form = UploadForm(user=request.user)
    return render(request, "gis/imports.html", list_context(request, form))


def list_context(request: HttpRequest, form: UploadForm) -> dict[str, Any]:
    runs = visible_imports(request.user).select_related("municipality", "user")[:20]
    return {"form": form, "runs": runs}


@login_required
@require_POST
def import_upload(request: HttpRequest) -> HttpResponse:
    require_role(request, *IMPORT_ROLES)
    form = UploadForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        return render(request, "gis/imports.html", list_context(request, form), status=400)
    upload = form.cleaned_data["file"]
    run = start_run(
        municipality=form.cleaned_data["municipality"],
        user=request.user,
        kind=form.cleaned_data["kind"],
        filename=upload.name,
        options={
            key: form.cleaned_data[key] for key in ("zone_kind", "reference_kind", "reference_name")
        },
        status=ImportRun.Status.PREVIEW,
    )
    run.stored_file.save(upload.name, upload, save=False)
    run.save(update_fields=["stored_file"])
    refuse_unreadable(run)
    return redirect("gis-import-detail", code=run.code)


def refuse_unreadable(run: ImportRun) -> None:
    """A file whose layers cannot be read ends its run refused when it is uploaded (a
    POST), so the preview page only reads."""
    with local_copy(run.stored_file) as path, tempfile.TemporaryDirectory() as workdir:
        try:
            list_layers(unpack(path, Path(workdir)))
        except LayerError as error:
            refuse(run, str(error))


@login_required
def import_detail(request: HttpRequest, code: Any) -> HttpResponse:
    run = get_import_for_user(request, code)
    if run.status != ImportRun.Status.PREVIEW:
        return render(request, "gis/import_detail.html", {"run": run})
    layer = request.GET.get("layer") or run.options.get("layer")
    context = preview_context(run, layer, record=False)
    return render(request, "gis/import_detail.html", context)


def preview_context(
    run: ImportRun, layer_name: str | None, data: Any = None, *, record: bool = True
) -> dict[str, Any]:
    """The first rows of the chosen layer (those the filter keeps) and the mapping form,
    bound to ``data`` when it was sent; a file that cannot be read ends the run refused,
    with the reason shown (written only when ``record``: a GET shows it, the next POST
    writes it)."""
    with local_copy(run.stored_file) as path, tempfile.TemporaryDirectory() as workdir:
        try:
            source = unpack(path, Path(workdir))
            layers = list_layers(source)
            name = layer_name if layer_name in layers else layers[0]
            layer = read_layer(source, layer=name, max_rows=PREVIEW_ROWS, require_crs=False)
            total = count_features(source, layer=name, where=None)
        except LayerError as error:
            refuse(run, str(error), save=record)
            return {"run": run}
        form = mapping_form(
            run, layer, layers, data, lambda where: count_features(source, layer=name, where=where)
        )
        where = form.cleaned_data["where"] if form.is_bound and form.is_valid() else ""
        if not form.is_bound and form.initial.get("where"):
            where = checked_filter(form, form.initial["where"])
        if where:
            layer = read_layer(
                source, layer=name, max_rows=PREVIEW_ROWS, require_crs=False, where=where
            )
    rows = [
        [*map(preview_value, row), geometry_label(geometry)]
        for row, geometry in zip(layer.table.itertuples(index=False), layer.geometry, strict=True)
    ]
    context = {"run": run, "layer": layer, "form": form, "rows": rows, "total": total}
    return {**context, "kept": form.kept_rows if where else None}


def mapping_form(
    run: ImportRun,
    layer: Layer,
    layers: list[str],
    data: Any,
    count_rows: Callable[[str], int],
) -> MappingForm:
    """The mapping form for ``layer``: as sent, or proposed from its field names and, for
    a run tried again (see import_retry), as it was chosen last time."""
    zones = run.kind == ImportRun.Kind.ZONES
    reference = run.kind == ImportRun.Kind.REFERENCE
    if data is not None:
        return MappingForm(
            data,
            fields=layer.fields,
            layers=layers,
            zones=zones,
            count_rows=count_rows,
            reference=reference,
        )
    initial = {**detect_mapping(layer.fields, zones=zones or reference), "layer": layer.name}
    if run.options.get("layer") in (None, layer.name):
        initial |= {
            key: value
            for key, value in (run.options.get("mapping") or {}).items()
            if key == "address_fields" or value in layer.fields or value == ""
        }
        initial["crs"] = run.options.get("crs", "")
        initial["where"] = run.options.get("where", "")
    return MappingForm(
        initial=initial,
        fields=layer.fields,
        layers=layers,
        zones=zones,
        count_rows=count_rows,
        reference=reference,
    )


def checked_filter(form: MappingForm, where: str) -> str:
    """A filter chosen last time, counted for the preview; dropped if it no longer
    applies (the form then shows it again with the reason on sending)."""
    try:
        form.kept_rows = form.count_rows(where) if form.count_rows else None
    except LayerError:
        return ""
    return where


def preview_value(value: Any) -> Any:
    """A cell as the preview shows it: an empty cell stays empty (pandas reads it as
    None, NaN or NaT, which would show as 'nan')."""
    return "" if pd.api.types.is_scalar(value) and pd.isna(value) else value


def geometry_label(geometry: Any) -> str:
    if geometry is None or geometry.is_empty:
        return "—"
    point = geometry.representative_point()
    return f"{geometry.geom_type} {point.x:.1f} {point.y:.1f}"


@login_required
@require_POST
def import_start(request: HttpRequest, code: Any) -> HttpResponse:
    """Start the import with the mapping sent, or (the filter's button) show the preview
    of the rows the filter keeps; an invalid form changes nothing."""
    run = get_import_for_user(request, code)
    if run.status != ImportRun.Status.PREVIEW:
        return redirect("gis-import-detail", code=run.code)
    context = preview_context(run, request.POST.get("layer"), request.POST)
    if "form" not in context:
        return render(request, "gis/import_detail.html", context)
    form = context["form"]
    if not form.is_valid():
        return render(request, "gis/import_detail.html", context, status=400)
    if "check_filter" in request.POST:
        return render(request, "gis/import_detail.html", context)
    run.options = {
        **run.options,
        "layer": form.cleaned_data["layer"],
        "crs": form.cleaned_data["crs"],
        "where": form.cleaned_data["where"],
        "mapping": form.mapping(),
        # The worker writes the refusal and the reasons in the language of the page.
        "language": get_language(),
    }
    run.skip_invalid = form.cleaned_data["skip_invalid"]
    run.dry_run = form.cleaned_data["dry_run"]
    run.save(update_fields=["options", "skip_invalid", "dry_run"])
    enqueue_import(run)
    return redirect("gis-import-detail", code=run.code)


@login_required
@require_POST
def import_retry(request: HttpRequest, code: Any) -> HttpResponse:
    """A new run on the same uploaded file, back at the preview with the mapping chosen
    last time: a refused layer is fixed by adjusting, not by uploading it again. The
    earlier run stays in the log as it ended."""
    run = get_import_for_user(request, code)
    if not run.can_retry:
        return redirect("gis-import-detail", code=run.code)
    if not run.upload_is_kept():
        messages.error(request, _("The uploaded file is no longer kept: upload it again."))
        return redirect("gis-imports")
    again = start_run(
        municipality=run.municipality,
        user=request.user,
        kind=run.kind,
        filename=run.filename,
        options=run.options,
        stored_file=run.stored_file.name or "",
        status=ImportRun.Status.PREVIEW,
    )
    refuse_unreadable(again)
    return redirect("gis-import-detail", code=again.code)


@login_required
def import_progress(request: HtmxHttpRequest, code: Any) -> HttpResponse:
    run = get_import_for_user(request, code)
    return render(request, "gis/import_detail.html#progress", {"run": run})
