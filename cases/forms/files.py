"""Forms of the case file. They only shape and check the input; the workflows in
cases/actions/files.py decide and save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from cases.forms.signals import PremisesChoiceField
from cases.forms.subjects import DateInput, SubjectPickerField
from cases.models import Approach, Case, Entry, Phenomenon, Subject
from gis.models import Premises
from partners.models import Municipality, Partner, Person


class OpenCaseForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=gettext_lazy("Municipality"), queryset=Municipality.objects.none()
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    phenomenon = forms.ChoiceField(label=gettext_lazy("Phenomenon"), choices=Phenomenon.choices)
    summary = forms.CharField(label=gettext_lazy("Summary"), widget=forms.Textarea, required=False)
    lead_partner = forms.ModelChoiceField(
        label=gettext_lazy("Lead partner"), queryset=Partner.objects.none(), required=False
    )

    def __init__(
        self,
        *args: Any,
        municipalities: QuerySet[Municipality],
        partners: QuerySet[Partner],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["municipality"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = municipalities
        if len(municipalities) == 1:
            field.initial = municipalities[0]
        lead = self.fields["lead_partner"]
        assert isinstance(lead, forms.ModelChoiceField)
        lead.queryset = partners


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.partner})"


class MemberForm(forms.Form):
    person = PersonChoiceField(label=gettext_lazy("Person"), queryset=Person.objects.none())

    def __init__(self, *args: Any, people: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = people


class CaseSubjectForm(forms.Form):
    # Named like the register's picker query, so the field itself asks for its options.
    q = SubjectPickerField(
        label=gettext_lazy("Subject"),
        max_length=300,
        widget=forms.TextInput(attrs={"list": "case-subject-options", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, subjects: QuerySet[Subject], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["q"]
        assert isinstance(field, SubjectPickerField)
        field.subjects = subjects


class CasePremisesForm(forms.Form):
    """A premises of the register, chosen among the matches of a search."""

    def __init__(self, *args: Any, premises: QuerySet[Premises], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["premises"] = PremisesChoiceField(
            queryset=premises,
            label=gettext_lazy("Premises"),
            error_messages={"required": gettext_lazy("Search for the premises and choose it.")},
        )


class RemoveSubjectForm(forms.Form):
    subject = forms.ModelChoiceField(queryset=Subject.objects.none(), to_field_name="code")

    def __init__(self, *args: Any, subjects: QuerySet[Subject], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["subject"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = subjects


class EntryForm(forms.Form):
    fact = forms.CharField(label=gettext_lazy("Fact"), widget=forms.Textarea(attrs={"rows": 3}))
    source = forms.CharField(label=gettext_lazy("Source"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Kind of source"), choices=Entry.Kind.choices)
    known_on = forms.DateField(label=gettext_lazy("Date of the fact"), widget=DateInput)
    sharing = forms.ChoiceField(
        label=gettext_lazy("Who may read it"),
        choices=Entry.Sharing.choices,
        initial=Entry.Sharing.CASE_TEAM,
    )
    subject = forms.ModelChoiceField(
        label=gettext_lazy("About"),
        queryset=Subject.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=gettext_lazy("The case as a whole"),
    )

    def __init__(self, *args: Any, subjects: QuerySet[Subject], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["subject"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = subjects


class MoveForm(forms.Form):
    to_state = forms.ChoiceField(label=gettext_lazy("Move the case to"))
    approach = forms.ChoiceField(
        label=gettext_lazy("Approach"),
        choices=[("", "—"), *Approach.choices],
        required=False,
    )
    evaluation = forms.CharField(
        label=gettext_lazy("Evaluation (needed to close)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_state"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(state, Case.State(state).label) for state in case.next_states()]
