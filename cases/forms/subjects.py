"""Forms of the subject register and the network: they read and normalise what was
typed; cases/actions/subjects.py decides what may be saved.

A subject is picked by typing its name, number or plate (the page offers matches as
you type): the text is resolved against the subjects the reader may see, and a text
that matches several is refused with the candidates named, never guessed."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from cases.models import Link, Subject
from partners.models import Municipality

SEPARATOR = " — "
PICKER_MATCHES = 12


def search_subjects(subjects: QuerySet[Subject], text: str) -> QuerySet[Subject]:
    """Subjects whose name holds ``text``, or whose enterprise number, KvK number or
    number plate is ``text`` however it was typed (dots, spaces, dashes)."""
    text = " ".join(text.split())
    if not text:
        return subjects
    condition = Q(name__icontains=text)
    digits = re.sub(r"\D", "", text)
    if len(digits) in (9, 10) and len(digits) >= len(re.sub(r"[\s.\-/]", "", text)) - 2:
        digits = digits.zfill(10)
        condition |= Q(enterprise_number=f"{digits[:4]}.{digits[4:7]}.{digits[7:]}")
    if len(digits) == 8:
        condition |= Q(kvk_number=digits)
    plate = re.sub(r"[\s\-.]", "", text).upper()
    if plate:
        condition |= Q(plate=plate)
    return subjects.filter(condition)


def subject_label(subject: Subject) -> str:
    """How a subject is offered in a picker: its name and what tells it apart, never
    an internal id."""
    detail = (
        subject.enterprise_number
        or subject.kvk_number
        or subject.plate
        or (subject.address if subject.kind == Subject.Kind.PREMISES else "")
        or str(subject.get_kind_display())
    )
    return f"{subject.name}{SEPARATOR}{detail}"


def resolve_subject(subjects: QuerySet[Subject], text: str) -> Subject:
    text = " ".join(text.split())
    name = text.split(SEPARATOR)[0]
    same_name = list(subjects.filter(name__iexact=name)[:PICKER_MATCHES])
    exact = [subject for subject in same_name if subject_label(subject) == text]
    if len(exact) == 1:
        return exact[0]
    if len(same_name) == 1:
        return same_name[0]
    matches = list(search_subjects(subjects, name)[: PICKER_MATCHES // 2])
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise ValidationError(_("No subject matches “%(text)s”.") % {"text": text})
    raise ValidationError(
        _("Several subjects match “%(text)s”: %(names)s. Choose one from the list.")
        % {"text": text, "names": "; ".join(subject_label(subject) for subject in matches)}
    )


class SubjectPickerField(forms.CharField):
    """Text resolved to one of ``subjects`` (set by the form from the reader's view)."""

    subjects: QuerySet[Subject] = Subject.objects.none()

    def clean(self, value: Any) -> Subject | None:
        text = super().clean(value)
        if not text:
            return None
        return resolve_subject(self.subjects, text)


def picker(label: StrOrPromise, *, datalist: str = "subject-options") -> SubjectPickerField:
    return SubjectPickerField(
        label=label,
        max_length=300,
        # The page offers matches as one types (the picker's fragment fills the list).
        widget=forms.TextInput(
            attrs={
                "list": datalist,
                "autocomplete": "off",
                "hx-get": reverse_lazy("cases:subject-pick"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": f"#{datalist}",
            }
        ),
    )


class DateInput(forms.DateInput):
    input_type = "date"


class SubjectForm(forms.Form):
    KINDS = [
        (Subject.Kind.COMPANY.value, Subject.Kind.COMPANY.label),
        (Subject.Kind.PERSON.value, Subject.Kind.PERSON.label),
        (Subject.Kind.VEHICLE.value, Subject.Kind.VEHICLE.label),
    ]

    municipality = forms.ModelChoiceField(
        label=gettext_lazy("Municipality"), queryset=Municipality.objects.none()
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=KINDS)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    enterprise_number = forms.CharField(
        label=gettext_lazy("Enterprise number (BE)"), max_length=20, required=False
    )
    kvk_number = forms.CharField(
        label=gettext_lazy("KvK number (NL)"), max_length=12, required=False
    )
    legal_form = forms.CharField(label=gettext_lazy("Legal form"), max_length=40, required=False)
    bankrupt_on = forms.DateField(
        label=gettext_lazy("Declared bankrupt on"), required=False, widget=DateInput
    )
    registered_office = forms.CharField(
        label=gettext_lazy("Registered office"), max_length=300, required=False
    )
    office_from = forms.DateField(
        label=gettext_lazy("Registered office since"), required=False, widget=DateInput
    )
    birth_date = forms.DateField(label=gettext_lazy("Birth date"), required=False, widget=DateInput)
    nationality = forms.CharField(
        label=gettext_lazy("Nationality (country code)"), max_length=2, required=False
    )
    address = forms.CharField(label=gettext_lazy("Address"), max_length=300, required=False)
    plate = forms.CharField(label=gettext_lazy("Number plate"), max_length=20, required=False)
    plate_country = forms.CharField(
        label=gettext_lazy("Country of registration"), max_length=2, required=False
    )

    COMPANY_FIELDS = (
        "enterprise_number",
        "kvk_number",
        "legal_form",
        "bankrupt_on",
        "registered_office",
        "office_from",
    )
    PERSON_FIELDS = ("birth_date", "nationality", "address")
    VEHICLE_FIELDS = ("plate", "plate_country")

    def __init__(self, *args: Any, municipalities: QuerySet[Municipality], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["municipality"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = municipalities
        field.empty_label = None


class LinkForm(forms.Form):
    DIRECTIONS = [
        ("out", gettext_lazy("this subject is … of the other")),
        ("in", gettext_lazy("the other is … of this subject")),
    ]

    direction = forms.ChoiceField(label=gettext_lazy("Direction"), choices=DIRECTIONS, initial="in")
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Link.Role.choices)
    other = picker(gettext_lazy("Other subject"))
    valid_from = forms.DateField(label=gettext_lazy("From"), required=False, widget=DateInput)
    valid_to = forms.DateField(label=gettext_lazy("Until"), required=False, widget=DateInput)
    note = forms.CharField(label=gettext_lazy("Source of the link"), max_length=300, required=False)

    def __init__(self, *args: Any, subjects: QuerySet[Subject], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        other = self.fields["other"]
        assert isinstance(other, SubjectPickerField)
        other.subjects = subjects


class OfficeMoveForm(forms.Form):
    address = forms.CharField(label=gettext_lazy("New registered office"), max_length=300)
    on = forms.DateField(label=gettext_lazy("Moved on"), widget=DateInput)


class EndLinkForm(forms.Form):
    on = forms.DateField(label=gettext_lazy("Ended on"), widget=DateInput)


class ConnectForm(forms.Form):
    first = picker(gettext_lazy("First subject"))
    second = picker(gettext_lazy("Second subject"))

    def __init__(self, *args: Any, subjects: QuerySet[Subject], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("first", "second"):
            field = self.fields[name]
            assert isinstance(field, SubjectPickerField)
            field.subjects = subjects

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("first"), data.get("second")
        if first is not None and first == second:
            raise ValidationError(_("Choose two different subjects."))
        return data
