from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db import models
from django.utils.translation import gettext_lazy as _

from partners.models import (
    AuditEntry,
    Competency,
    Municipality,
    Partner,
    Person,
    Role,
    SharingProtocol,
)

# Ticked boxes instead of the two-list selector: a handful of cities, partners and
# themes read better as a list, and the boxes work with a keyboard and without scripts.
CHECKBOXES: dict[type[models.Field], dict[str, Any]] = {
    models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}
}


class PersonForm(forms.ModelForm):
    """Roles as boxes to tick: the field stores a list of role codes, which an
    administrator should never have to type as JSON."""

    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Person
        fields = ["partner", "roles", "municipalities", "phone"]
        widgets = {"municipalities": forms.CheckboxSelectMultiple}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        partner, cities = cleaned.get("partner"), cleaned.get("municipalities")
        if partner is not None and cities is not None:
            outside = [city for city in cities if not partner.municipalities.filter(pk=city.pk)]
            if outside:
                self.add_error(
                    "municipalities",
                    _("%(partner)s does not work for %(cities)s.")
                    % {"partner": partner, "cities": ", ".join(map(str, outside))},
                )
        return cleaned


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    """The region decides which regional law the city's catalogue shows; a Belgian
    municipality left without one gets the region of its NIS code."""

    list_display = ["name", "code", "language", "country", "region"]
    list_filter = ["country", "region"]
    search_fields = ["name", "code"]
    fields = ["code", "name", "language", "country", "region"]


@admin.register(Competency)
class CompetencyAdmin(admin.ModelAdmin):
    """The competency catalogue is shared by every city: staff who are not the platform's
    superusers may read it here, never change it (a city's law is its region's entry)."""

    list_display = ["code", "domain", "title_nl", "title_fr", "title_en", "country", "region"]
    list_filter = ["domain", "country", "region"]

    def has_add_permission(self, request: Any) -> bool:
        return bool(request.user.is_superuser)

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["short_name", "name", "level", "country", "makes_official_findings"]
    list_filter = ["level", "country"]
    prepopulated_fields = {"slug": ["short_name"]}
    formfield_overrides = CHECKBOXES


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    form = PersonForm
    list_display = ["user", "partner", "roles"]
    list_filter = ["partner"]
    fields = ["user", "partner", "roles", "municipalities", "phone"]


class PersonInline(admin.StackedInline):
    """The account's place in the work, filled in on the same page as the account."""

    model = Person
    form = PersonForm
    can_delete = False
    min_num = 0
    max_num = 1
    extra = 1


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class PersonUserAdmin(UserAdmin):
    """Django's user admin with the person inline, and the name asked when the account
    is made: the name is what colleagues see in teams, reports and sign-offs."""

    inlines = [PersonInline]
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "first_name",
                    "last_name",
                    "email",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    list_display = ["username", "first_name", "last_name", "email", "is_staff"]


@admin.register(SharingProtocol)
class SharingProtocolAdmin(admin.ModelAdmin):
    list_display = ["title", "municipality", "valid_from", "valid_to"]
    formfield_overrides = CHECKBOXES


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only, even for administrators."""

    list_display = ["at", "username", "action", "object_type", "object_repr", "municipality"]
    list_filter = ["action", "object_type"]
    search_fields = ["username", "object_code", "object_repr"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
