"""Pages of the subject register: the register with its search, a subject's page (its
data, office history, links, the cases the reader may see, and its network within two
steps), and the forms that add subjects and links, move a registered office or end a
link.

The register and its forms are for the city's coordinators, analysts and administrators
(403 for anyone else); a case team member reaches the subjects of their own cases; any
other subject is 404. Every read of a subject or of the register is audited."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases.access import can_use_register, get_subject_for_user, visible_cases, visible_subjects
from cases.actions.subjects import (
    DuplicateSubject,
    add_subject,
    end_link,
    link,
    move_registered_office,
)
from cases.forms.subjects import (
    ConnectForm,
    EndLinkForm,
    LinkForm,
    OfficeMoveForm,
    SubjectForm,
    search_subjects,
    subject_label,
)
from cases.models import Link, Subject
from cases.network import within_steps
from partners import audit
from partners.access import visible_municipalities
from partners.http import HtmxHttpRequest
from partners.models import AuditEntry

PER_PAGE = 50


def require_register(request: HttpRequest) -> None:
    if not can_use_register(request.user):
        raise PermissionDenied(_("The subject register is for coordinators and analysts."))


@login_required
@require_GET
def subject_register(request: HtmxHttpRequest) -> HttpResponse:
    require_register(request)
    query = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", "")
    subjects = search_subjects(visible_subjects(request.user), query)
    if kind in Subject.Kind.values:
        subjects = subjects.filter(kind=kind)
    page = Paginator(subjects.order_by("name", "pk"), PER_PAGE).get_page(request.GET.get("page"))
    audit.record(
        request.user,
        AuditEntry.Action.READ,
        object_type=Subject._meta.label,
        view="register",
        query=query,
        shown=len(page.object_list),
    )
    context = {"page": page, "query": query, "kind": kind, "kinds": Subject.Kind.choices}
    template = "cases/subject_register.html"
    if request.htmx:
        template += "#results"
    return render(request, template, context)


@login_required
@require_GET
def subject_pick(request: HttpRequest) -> HttpResponse:
    """The options of a subject picker as the reader types: the subjects they may see."""
    # The picker sends its own field's name (``other``, ``first``…), not ``q``.
    typed = (request.GET.get(name, "") for name in ("q", "other", "first", "second"))
    query = next((text for text in typed if text.strip()), "").strip()[:100]
    options: list[str] = []
    if len(query) >= 2:
        found = search_subjects(visible_subjects(request.user), query).order_by("name")[:20]
        options = [subject_label(subject) for subject in found]
        audit.record(
            request.user,
            AuditEntry.Action.LOOKUP,
            object_type=Subject._meta.label,
            view="picker",
            query=query,
            shown=len(options),
        )
    return render(request, "cases/subject_register.html#picker-options", {"options": options})


@login_required
def subject_new(request: HttpRequest) -> HttpResponse:
    require_register(request)
    municipalities = visible_municipalities(request.user)
    data = request.POST if request.method == "POST" else None
    form = SubjectForm(data, municipalities=municipalities)
    existing = None
    if form.is_valid():
        fields = form.cleaned_data
        try:
            subject = add_subject(user=request.user, **fields)
        except DuplicateSubject as duplicate:
            existing = duplicate.existing
            form.add_error(None, duplicate.messages[0])
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            messages.success(request, _("%(name)s was added to the register.") % fields)
            return redirect("cases:subject-detail", subject.code)
    context = {"form": form, "existing": existing}
    return render(request, "cases/subject_new.html", context, status=400 if form.errors else 200)


def subject_context(request: HttpRequest, subject: Subject, **forms: Any) -> dict[str, Any]:
    """What a subject's page shows the reader: only links whose other end they may see,
    only cases they are in."""
    visible = visible_subjects(request.user)
    links = (
        Link.objects.touching(subject)
        .filter(source__in=visible.values("pk"), target__in=visible.values("pk"))
        .select_related("source", "target")
        .order_by("valid_from", "pk")
    )
    context: dict[str, Any] = {
        "subject": subject,
        "links": links,
        "offices": subject.offices.order_by("-valid_from"),
        "cases": visible_cases(request.user).filter(case_subjects__subject=subject),
        "network": within_steps(request.user, subject, radius=2),
        "connect_form": ConnectForm(initial={"first": subject_label(subject)}, subjects=visible),
        "can_edit": can_use_register(request.user),
    }
    if subject.kind == Subject.Kind.PERSON:
        context["premises_reached"] = visible.filter(
            pk__in=Subject.objects.premises_reached_through_companies(subject).values("pk")
        )
    if context["can_edit"]:
        context["link_form"] = forms.get("link_form") or LinkForm(subjects=visible)
        context["office_form"] = forms.get("office_form") or OfficeMoveForm()
        context["end_form"] = forms.get("end_form") or EndLinkForm()
    return context


@login_required
@require_GET
def subject_detail(request: HttpRequest, code: str) -> HttpResponse:
    subject = get_subject_for_user(request, code)
    audit.record(request.user, AuditEntry.Action.READ, subject, view="detail")
    return render(request, "cases/subject_detail.html", subject_context(request, subject))


def refused_on_page(request: HttpRequest, subject: Subject, **forms: Any) -> HttpResponse:
    context = subject_context(request, subject, **forms)
    return render(request, "cases/subject_detail.html", context, status=400)


@login_required
@require_POST
def link_new(request: HttpRequest, code: str) -> HttpResponse:
    subject = get_subject_for_user(request, code)
    require_register(request)
    form = LinkForm(request.POST, subjects=visible_subjects(request.user))
    if form.is_valid():
        data = form.cleaned_data
        other = data["other"]
        source, target = (subject, other) if data["direction"] == "out" else (other, subject)
        try:
            link(
                source=source,
                target=target,
                role=data["role"],
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
                note=data["note"],
                user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            messages.success(request, _("The link was saved."))
            return redirect("cases:subject-detail", subject.code)
    return refused_on_page(request, subject, link_form=form)


@login_required
@require_POST
def office_move(request: HttpRequest, code: str) -> HttpResponse:
    subject = get_subject_for_user(request, code)
    require_register(request)
    form = OfficeMoveForm(request.POST)
    if form.is_valid():
        try:
            move_registered_office(company=subject, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            messages.success(request, _("The registered office was moved."))
            return redirect("cases:subject-detail", subject.code)
    return refused_on_page(request, subject, office_form=form)


@login_required
@require_POST
def link_end(request: HttpRequest, code: str, link_code: str) -> HttpResponse:
    subject = get_subject_for_user(request, code)
    require_register(request)
    visible = visible_subjects(request.user).values("pk")
    found = (
        Link.objects.touching(subject)
        .filter(source__in=visible, target__in=visible)
        .filter(Q(code=link_code))
        .first()
    )
    if found is None:
        raise Http404("No such link")
    form = EndLinkForm(request.POST)
    if form.is_valid():
        try:
            end_link(link=found, on=form.cleaned_data["on"], user=request.user)
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            messages.success(request, _("The link was ended."))
            return redirect("cases:subject-detail", subject.code)
    return refused_on_page(request, subject, end_form=form)
