"""Forms of the checklist builder: one question of a draft version, an XLSForm import."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gis.models import Indicator
from inspections import conditions
from inspections.checklists.definition import CHOICE_TYPES, NAME, question
from inspections.models import Sharing
from partners.models import Competency

TYPE_CHOICES = [
    ("yes_no", _("Yes / no")),
    ("select_one", _("One choice")),
    ("select_multiple", _("Several choices")),
    ("integer", _("Whole number")),
    ("decimal", _("Decimal number")),
    ("count", _("Number of persons")),
    ("text", _("Text")),
    ("date", _("Date")),
    ("time", _("Time")),
    ("datetime", _("Date and time")),
    ("photo", _("Photo")),
    ("note", _("Note (no answer)")),
]


class QuestionForm(forms.Form):
    """A question of a draft: ``earlier`` are the names it may refer to in its condition,
    ``taken`` the names already used by other questions."""

    original = forms.CharField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Name"), max_length=80)
    type = forms.ChoiceField(label=_("Type"), choices=TYPE_CHOICES)
    label_nl = forms.CharField(label=_("Question (Dutch)"), max_length=500)
    label_fr = forms.CharField(label=_("Question (French)"), max_length=500, required=False)
    label_en = forms.CharField(label=_("Question (English)"), max_length=500, required=False)
    required = forms.BooleanField(label=_("Required"), required=False)
    relevant = forms.CharField(
        label=_("Shown only if"),
        required=False,
        max_length=conditions.MAX_LENGTH,
        help_text=_("For example ${persons_present} > 0 and ${permit} = 'none'"),
    )
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: name | Dutch | French | English"),
    )
    indicator = forms.ModelChoiceField(
        label=_("Indicator (a “yes” becomes a signal)"),
        queryset=Indicator.objects.all(),
        to_field_name="code",
        required=False,
    )
    legal_reference = forms.CharField(label=_("Legal reference"), max_length=300, required=False)
    legal_reference_fr = forms.CharField(
        label=_("Legal reference (French)"), max_length=300, required=False
    )
    sharing = forms.ChoiceField(label=_("Sharing"), choices=Sharing.choices, initial=Sharing.CITY)

    def __init__(self, *args: Any, earlier: list[str], taken: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.earlier = set(earlier)
        self.taken = set(taken)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not NAME.match(name):
            raise forms.ValidationError(_("Start with a letter; use letters, digits, _ . or -."))
        if name in self.taken:
            raise forms.ValidationError(_("Another question already has this name."))
        return name

    def clean_relevant(self) -> str:
        text = self.cleaned_data["relevant"].strip()
        try:
            tree = conditions.parse(text)
        except conditions.ConditionError as error:
            raise forms.ValidationError(
                _("This condition is not supported: %(reason)s") % {"reason": error}
            ) from error
        unknown = conditions.references(tree) - self.earlier
        if unknown:
            raise forms.ValidationError(
                _("The condition may only refer to earlier questions, not %(names)s.")
                % {"names": ", ".join(sorted(unknown))}
            )
        return text

    def clean_choices(self) -> list[dict[str, Any]]:
        parsed = []
        for line in self.cleaned_data["choices"].splitlines():
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            if not parts[0] or " " in parts[0]:
                raise forms.ValidationError(_("Each choice needs a name without spaces."))
            labels = dict(zip(("nl", "fr", "en"), parts[1:4], strict=False))
            parsed.append(
                {
                    "name": parts[0],
                    "label": {k: v for k, v in labels.items() if v} or {"nl": parts[0]},
                }
            )
        return parsed

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("type") in CHOICE_TYPES and not data.get("choices"):
            self.add_error("choices", _("A choice question needs choices."))
        return data

    def as_question(self) -> dict[str, Any]:
        data = self.cleaned_data
        labels = {
            lang: data[f"label_{lang}"] for lang in ("nl", "fr", "en") if data[f"label_{lang}"]
        }
        indicator = data.get("indicator")
        return question(
            data["name"],
            data["type"],
            labels,
            required=data["required"],
            relevant=data["relevant"],
            choices=data["choices"] if data["type"] in CHOICE_TYPES else [],
            indicator=indicator.code if indicator else "",
            legal_reference=data["legal_reference"],
            legal_reference_fr=data["legal_reference_fr"],
            sharing=data["sharing"],
        )

    @staticmethod
    def initial_for(item: dict[str, Any]) -> dict[str, Any]:
        labels = item.get("label", {})
        return {
            "original": item["name"],
            "name": item["name"],
            "type": item["type"],
            "label_nl": labels.get("nl", ""),
            "label_fr": labels.get("fr", ""),
            "label_en": labels.get("en", ""),
            "required": item.get("required", False),
            "relevant": item.get("relevant_text", ""),
            "choices": "\n".join(
                " | ".join([c["name"], *(c["label"].get(lang, "") for lang in ("nl", "fr", "en"))])
                for c in item.get("choices", [])
            ),
            "indicator": item.get("indicator") or None,
            "legal_reference": item.get("legal_reference", ""),
            "legal_reference_fr": item.get("legal_reference_fr", ""),
            "sharing": item.get("sharing", "city"),
        }


class OwnerChoiceForm(forms.Form):
    """Whose checklist: one of ``owners``, the (value, name) pairs of
    :func:`inspections.access.checklist_owners`. With one owner, nothing to choose."""

    owner = forms.ChoiceField(label=_("For"), required=False)

    def __init__(self, *args: Any, owners: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owners = owners
        self.fields["owner"].choices = owners  # type: ignore[attr-defined]
        if len(owners) == 1:
            self.fields["owner"].widget = forms.HiddenInput()
            self.initial.setdefault("owner", owners[0][0])

    def clean_owner(self) -> str:
        owner = self.cleaned_data.get("owner") or ""
        if not owner and len(self.owners) == 1:
            return self.owners[0][0]
        if owner not in dict(self.owners):
            raise forms.ValidationError(_("Choose the city or partner the checklist is for."))
        return owner


class AdaptForm(OwnerChoiceForm):
    """Adapt a shared checklist: for which of the user's cities (or their partner)."""


class XLSFormImportForm(OwnerChoiceForm):
    file = forms.FileField(label=_("XLSForm (.xlsx or .xls)"))
    competency = forms.ModelChoiceField(
        label=_("Competency"),
        queryset=Competency.objects.all(),
        help_text=_(
            "A form whose form_id names one of your checklists becomes its new draft; one "
            "that names a shared checklist, a draft of your copy of it."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".xls")):
            raise forms.ValidationError(_("Upload an .xlsx or .xls file."))
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload
