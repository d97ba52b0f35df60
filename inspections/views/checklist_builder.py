"""The coordinator's checklist builder: list the checklists, edit a draft version
question by question, publish it (it never changes again), import and export XLSForm.

Only a checklist's owner changes it (see :func:`inspections.access.checklist_edit_refusal`):
a shared checklist is adapted into a copy of the user's city or partner instead."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inspections.access import checklist_edit_refusal, checklist_owners, visible_checklists
from inspections.checklist_actions import adapt_checklist, copy_of, copy_slug, owner_of
from inspections.checklists.definition import check_definition, label_in
from inspections.checklists.xlsform import XLSFormError, export_xlsform, import_xlsform
from inspections.forms.checklists import AdaptForm, QuestionForm, XLSFormImportForm
from inspections.models import ChecklistTemplate, ChecklistVersion
from partners import audit
from partners.models import AuditEntry, Country, Region, Role, has_role

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def require_builder(request: HttpRequest) -> None:
    """Coordinators and administrators build checklists."""
    if not has_role(request.user, Role.COORDINATOR, Role.ADMIN):
        raise PermissionDenied


def get_version(request: HttpRequest, code: uuid.UUID, *, draft: bool = False) -> ChecklistVersion:
    """A version of a checklist the user sees (404 for another city's copy); with
    ``draft``, one they are about to change, so it must be a draft."""
    require_builder(request)
    version = get_object_or_404(
        ChecklistVersion.objects.filter(template__in=visible_checklists(request.user))
        .select_related("template__competency", "template__municipality")
        .select_related("template__owner_partner"),
        code=code,
    )
    if draft and version.is_published:
        raise PermissionDenied
    return version


def refused(request: HttpRequest, version: ChecklistVersion, reason: str) -> HttpResponse:
    """403 with the reason, and the offer to adapt a shared checklist when the user
    writes checklists for someone."""
    context = {"version": version, "refusal": reason, "adapt_form": adapt_form(request, version)}
    return render(request, "inspections/checklist_refused.html", context, status=403)


def adapt_form(request: HttpRequest, version: ChecklistVersion) -> AdaptForm | None:
    if not version.template.is_shared:
        return None
    owners = [o for o in checklist_owners(request.user) if o[0] != "shared"]
    return AdaptForm(owners=owners) if owners else None


@login_required
def checklist_list(request: HttpRequest) -> HttpResponse:
    require_builder(request)
    templates = (
        visible_checklists(request.user)
        .select_related("competency", "municipality", "owner_partner")
        .prefetch_related("versions", "sectors")
    )
    owners = checklist_owners(request.user)
    context = {"templates": templates, "import_form": XLSFormImportForm(owners=owners)}
    return render(request, "inspections/checklist_list.html", context)


def regional_references(item: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The question's references of a region or country: its name, Dutch and French."""
    names = dict(Region.choices) | dict(Country.choices)
    return [
        (str(names.get(code, code)), texts.get("nl", ""), texts.get("fr", ""))
        for code, texts in (item.get("regional_legal_references") or {}).items()
    ]


@login_required
def checklist_version(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    version = get_version(request, code)
    names = [item["name"] for item in version.questions]
    rows = []
    for position, item in enumerate(version.questions):
        form = None
        if not version.is_published and not checklist_edit_refusal(request.user, version.template):
            form = QuestionForm(
                initial=QuestionForm.initial_for(item),
                earlier=names[:position],
                taken=names[:position] + names[position + 1 :],
                prefix=f"q{position}",
            )
        rows.append(
            {
                "item": item,
                "text": version.label(item),
                "form": form,
                "regional": regional_references(item),
            }
        )
    refusal = checklist_edit_refusal(request.user, version.template)
    context = {
        "version": version,
        "refusal": refusal,
        "adapt_form": adapt_form(request, version) if refusal else None,
        "rows": rows,
        "new_form": None
        if version.is_published or refusal
        else QuestionForm(earlier=names, taken=names, prefix="new"),
        "problems": version.problems() if not version.is_published else [],
        "later": version.template.versions.filter(number__gt=version.number).exists(),
    }
    return render(request, "inspections/checklist_version.html", context)


@login_required
@require_POST
def checklist_question_save(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """Add a question at the end, or replace the one named ``original``."""
    version = get_version(request, code, draft=True)
    if refusal := checklist_edit_refusal(request.user, version.template):
        return refused(request, version, refusal)
    questions = version.questions
    names = [item["name"] for item in questions]
    prefix = request.POST.get("prefix", "new")
    original = request.POST.get(f"{prefix}-original", "")
    position = names.index(original) if original in names else len(names)
    others = names[:position] + names[position + 1 :]
    form = QuestionForm(request.POST, earlier=names[:position], taken=others, prefix=prefix)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(str(error) for error in errors)}")
        return redirect("checklist-version", code=version.code)
    edited = form.as_question()
    # The builder edits the plain references; a question's regional ones stay with it.
    if position < len(questions) and questions[position].get("regional_legal_references"):
        edited["regional_legal_references"] = questions[position]["regional_legal_references"]
    questions[position : position + 1] = [edited]
    save_questions(request, version, questions, question=form.cleaned_data["name"])
    return redirect("checklist-version", code=version.code)


@login_required
@require_POST
def checklist_question_change(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """Move a question up or down, or delete it (only if no later condition reads it)."""
    version = get_version(request, code, draft=True)
    if refusal := checklist_edit_refusal(request.user, version.template):
        return refused(request, version, refusal)
    questions = version.questions
    names = [item["name"] for item in questions]
    name, action = request.POST.get("name", ""), request.POST.get("action", "")
    if name not in names:
        return redirect("checklist-version", code=version.code)
    index = names.index(name)
    if action == "delete":
        questions.pop(index)
    elif action in ("up", "down"):
        other = index - 1 if action == "up" else index + 1
        if 0 <= other < len(questions):
            questions[index], questions[other] = questions[other], questions[index]
    problems = [
        p
        for p in check_definition({**version.definition, "questions": questions})
        if "earlier" in p
    ]
    if problems:
        messages.error(request, " ".join(problems))
        return redirect("checklist-version", code=version.code)
    save_questions(request, version, questions, question=name, change=action)
    return redirect("checklist-version", code=version.code)


def save_questions(
    request: HttpRequest, version: ChecklistVersion, questions: list[dict[str, Any]], **detail: Any
) -> None:
    version.definition = {**version.definition, "questions": questions}
    version.save(update_fields=["definition"])
    audit.record(request.user, AuditEntry.Action.CHANGE, version, **detail)
    messages.success(request, _("The draft is saved."))


@login_required
@require_POST
def checklist_publish(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    version = get_version(request, code, draft=True)
    if refusal := checklist_edit_refusal(request.user, version.template):
        return refused(request, version, refusal)
    try:
        version.publish()
    except ValueError as error:
        messages.error(request, str(error))
    else:
        audit.record(request.user, AuditEntry.Action.CHANGE, version, published=True)
        messages.success(request, _("Published: new findings answer this version."))
    return redirect("checklist-version", code=version.code)


@login_required
@require_POST
def checklist_new_draft(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    version = get_version(request, code)
    if refusal := checklist_edit_refusal(request.user, version.template):
        return refused(request, version, refusal)
    existing = version.template.versions.filter(status=ChecklistVersion.Status.DRAFT).first()
    draft = existing or version.new_draft(request.user)
    if existing is None:
        audit.record(request.user, AuditEntry.Action.CREATE, draft, copied_from=version.number)
    return redirect("checklist-version", code=draft.code)


@login_required
@require_POST
def checklist_adapt(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """Adapt a shared checklist: the copy of the user's city (or partner), to change and
    publish; other cities keep the shared one."""
    version = get_version(request, code)
    form = adapt_form(request, version)
    if form is None:
        if version.template.is_shared:
            raise PermissionDenied
        return refused(request, version, _("Only a shared checklist is adapted into a copy."))
    form = AdaptForm(request.POST, owners=form.owners)
    if not form.is_valid():
        messages.error(request, _("Nothing was changed: %s") % form.errors.as_text())
        return redirect("checklist-version", code=version.code)
    municipality, partner = owner_of(form.cleaned_data["owner"])
    draft = adapt_checklist(
        template=version.template, user=request.user, municipality=municipality, partner=partner
    )
    messages.success(
        request, _("This is your own copy: change it and publish it; your visits then use it.")
    )
    return redirect("checklist-version", code=draft.code)


@login_required
def checklist_export(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    version = get_version(request, code)
    template = version.template
    title = {"nl": template.title_nl, "fr": template.title_fr, "en": template.title_en}
    data = export_xlsform(
        version.definition, title=title, form_id=template.slug, version=version.number
    )
    audit.record(request.user, AuditEntry.Action.EXPORT, version, format="xlsform")
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="{template.slug}-v{version.number}.xlsx"'
    )
    return response


@login_required
@require_POST
def checklist_import(request: HttpRequest) -> HttpResponse:
    """An XLSForm becomes a draft: of the checklist its form_id names, or of a new one."""
    require_builder(request)
    form = XLSFormImportForm(request.POST, request.FILES, owners=checklist_owners(request.user))
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(error) for error in errors))
        return redirect("checklist-list")
    upload = form.cleaned_data["file"]
    try:
        imported = import_xlsform(upload.read(), upload.name)
    except XLSFormError as error:
        for reason in error.reasons[:20]:
            messages.error(request, reason)
        return redirect("checklist-list")
    with transaction.atomic():
        draft = store_import(
            request,
            imported,
            form.cleaned_data["competency"],
            upload.name,
            owner=form.cleaned_data["owner"],
        )
    for warning in imported.warnings[:20]:
        messages.warning(request, warning)
    messages.success(request, _("Imported as a draft: check it, then publish."))
    return redirect("checklist-version", code=draft.code)


def import_target(slug: str, owner: str) -> ChecklistTemplate | None:
    """The owner's checklist an import with this form_id becomes a draft of: the one
    with that short code when it is the owner's, the owner's copy when it names a shared
    one, none (a new checklist) when it names somebody else's."""
    municipality, partner = owner_of(owner)
    existing = ChecklistTemplate.objects.filter(slug=slug).first()
    if existing is None:
        return None
    if existing.municipality == municipality and existing.owner_partner == partner:
        return existing
    if existing.is_shared:
        return copy_of(existing, municipality=municipality, partner=partner)
    return None


def store_import(
    request: HttpRequest, imported: Any, competency: Any, filename: str, *, owner: str
) -> ChecklistVersion:
    slug = slugify(imported.form_id or filename.rsplit(".", 1)[0])[:60] or "checklist"
    title = imported.title
    template = import_target(slug, owner)
    if template is None:
        municipality, partner = owner_of(owner)
        if ChecklistTemplate.objects.filter(slug=slug).exists():
            slug = copy_slug(slug, municipality.code.lower() if municipality else "own")
        template = ChecklistTemplate.objects.create(
            slug=slug,
            competency=competency,
            municipality=municipality,
            owner_partner=partner,
            title_nl=label_in(title, "nl")[:200] or slug,
            title_fr=label_in(title, "fr")[:200] or slug,
            title_en=label_in(title, "en")[:200] or slug,
        )
    ChecklistVersion.objects.filter(
        template=template, status=ChecklistVersion.Status.DRAFT
    ).delete()
    latest = template.versions.order_by("-number").values_list("number", flat=True).first() or 0
    draft = ChecklistVersion.objects.create(
        template=template,
        number=latest + 1,
        definition=imported.definition,
        created_by=request.user if request.user.is_authenticated else None,
    )
    audit.record(request.user, AuditEntry.Action.CREATE, draft, imported_from=filename)
    return draft
