"""Give the joint reports made before numbering their number: per municipality and year
of their first version, in the order they were compiled; amendments share it."""

from django.db import migrations
from django.utils import timezone


def number_reports(apps, schema_editor):
    JointReport = apps.get_model("decisions", "JointReport")
    JointReportCounter = apps.get_model("decisions", "JointReportCounter")
    first_versions = (
        JointReport.objects.filter(version=1, number="")
        .select_related("municipality")
        .order_by("created_at", "pk")
    )
    last: dict[tuple[int, int], int] = {}
    for report in first_versions:
        year = timezone.localtime(report.created_at).year
        key = (report.municipality_id, year)
        if key not in last:
            counter = JointReportCounter.objects.filter(
                municipality_id=report.municipality_id, year=year
            ).first()
            last[key] = counter.last if counter else 0
        last[key] += 1
        number = f"{report.municipality.code}-{year}-{last[key]:04d}"
        JointReport.objects.filter(visit_id=report.visit_id, number="").update(number=number)
    for (municipality_id, year), value in last.items():
        JointReportCounter.objects.update_or_create(
            municipality_id=municipality_id, year=year, defaults={"last": value}
        )


class Migration(migrations.Migration):
    dependencies = [("decisions", "0004_joint_report_number")]

    operations = [migrations.RunPython(number_reports, migrations.RunPython.noop)]
