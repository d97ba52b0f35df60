from django.urls import path

from decisions.views import decisions, photos, registers, reports

urlpatterns = [
    path("reports/", reports.report_list, name="report-list"),
    path("visits/<uuid:code>/report/", reports.report_compile, name="report-compile"),
    path("reports/<uuid:code>/", reports.report_detail, name="report-detail"),
    path("reports/<uuid:code>/sign/", reports.report_sign, name="report-sign"),
    path("reports/<uuid:code>/pdf/", reports.report_pdf, name="report-pdf"),
    path("reports/<uuid:code>/photos.zip", photos.report_photos, name="report-photos"),
    path("reports/<uuid:code>/decide/", decisions.decision_start, name="decision-start"),
    path("documents/<uuid:code>.pdf", reports.document_download, name="document-download"),
    path("action-days/", reports.closed_days, name="closed-days"),
    path("action-days/<uuid:code>/", reports.action_day_report, name="action-day-report"),
    path(
        "action-days/<uuid:code>/report.pdf",
        reports.action_day_report_pdf,
        name="action-day-report-pdf",
    ),
    path("register/", registers.register, name="decision-register"),
    path("permits/", registers.permit_register, name="permit-register"),
    path("figures/", registers.figures, name="decision-figures"),
    path("figures.csv", registers.figures_csv, name="decision-figures-csv"),
    path("follow-ups/<uuid:code>/plan/", registers.follow_up_plan, name="follow-up-plan"),
    path("panel/", registers.home_panel, name="decisions-home-panel"),
    path("<uuid:code>/", decisions.decision_detail, name="decision-detail"),
    path("<uuid:code>/save/", decisions.decision_save, name="decision-save"),
    path("<uuid:code>/hearing/", decisions.decision_hearing, name="decision-hearing"),
    path("<uuid:code>/heard/", decisions.decision_heard, name="decision-heard"),
    path("<uuid:code>/finalise/", decisions.decision_finalise, name="decision-finalise"),
    path("<uuid:code>/serve/", decisions.decision_serve, name="decision-serve"),
    path("<uuid:code>/lift/", decisions.decision_lift, name="decision-lift"),
    path("<uuid:code>/appeal/", decisions.decision_appeal, name="decision-appeal"),
    path("<uuid:code>/regenerate/", decisions.decision_regenerate, name="decision-regenerate"),
]
