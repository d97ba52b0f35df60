from django.contrib import admin

from partners.models import AuditEntry, Competency, Municipality, Partner, Person, SharingProtocol


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "language", "country"]
    search_fields = ["name", "code"]


@admin.register(Competency)
class CompetencyAdmin(admin.ModelAdmin):
    list_display = ["code", "domain", "title_nl", "title_fr", "title_en"]
    list_filter = ["domain"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["short_name", "name", "level", "country", "makes_official_findings"]
    list_filter = ["level", "country"]
    filter_horizontal = ["competencies", "municipalities"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["user", "partner", "roles"]
    list_filter = ["partner"]
    filter_horizontal = ["municipalities"]


@admin.register(SharingProtocol)
class SharingProtocolAdmin(admin.ModelAdmin):
    list_display = ["title", "municipality", "valid_from", "valid_to"]
    filter_horizontal = ["parties", "themes"]


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
