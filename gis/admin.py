from django.contrib import admin

from gis.models import ImportRun, Indicator, Premises, Sector, Signal, Zone


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["code", "title_nl", "title_fr", "title_en"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "category", "title_nl", "weight", "actionable_by"]
    list_filter = ["category"]
    filter_horizontal = ["sectors"]


@admin.register(Premises)
class PremisesAdmin(admin.ModelAdmin):
    list_display = ["external_id", "name", "address", "sector", "municipality", "risk_score"]
    list_filter = ["municipality", "sector"]
    search_fields = ["external_id", "name", "address", "parcel_key", "enterprise_number"]


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "municipality"]
    list_filter = ["kind", "municipality"]


@admin.register(Signal)
class SignalAdmin(admin.ModelAdmin):
    list_display = ["premises", "source", "received_on", "confidentiality"]
    filter_horizontal = ["indicators"]


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["filename", "kind", "municipality", "status", "created", "updated", "skipped"]
    # The uploaded layer is read through the import pages, never linked from here.
    exclude = ["stored_file"]
