from django.urls import path  # noqa: F401 - each feature adds its routes below

from inspections.views import board, briefing, home, reuse

urlpatterns: list = [path("panel/", home.home_panel, name="inspections-home-panel")]

urlpatterns += [
    path("<uuid:code>/briefing/", briefing.briefing_page, name="action-day-briefing"),
    path(
        "<uuid:code>/briefing/generate/",
        briefing.briefing_generate,
        name="action-day-briefing-generate",
    ),
    path(
        "<uuid:code>/briefing/<slug:key>.pdf",
        briefing.briefing_download,
        name="action-day-briefing-pack",
    ),
    path("<uuid:code>/invite.ics", briefing.invite_download, name="action-day-invite"),
    path("<uuid:code>/invites.zip", briefing.invites_download, name="action-day-invites"),
    path("<uuid:code>/board/", board.board_page, name="action-day-board"),
    path("<uuid:code>/board/move/", board.board_move, name="action-day-board-move"),
    path("<uuid:code>/copy/", reuse.copy_page, name="action-day-copy"),
    path("<uuid:code>/reinspect/", reuse.reinspect_page, name="action-day-reinspect"),
]

from inspections.views import planning  # noqa: E402 - grouped with its routes

urlpatterns += [
    path("", planning.action_day_list, name="action-day-list"),
    path("new/", planning.action_day_create, name="action-day-create"),
    path("<uuid:code>/plan/", planning.action_day_plan, name="action-day-plan"),
    path("<uuid:code>/plan/visits/", planning.plan_add_visits, name="plan-add-visits"),
    path("<uuid:code>/plan/visits/remove/", planning.plan_remove_visit, name="plan-remove-visit"),
    path("<uuid:code>/plan/partners/", planning.plan_partners, name="plan-partners"),
    path("<uuid:code>/plan/case/", planning.plan_case, name="plan-case"),
    path("<uuid:code>/plan/teams/", planning.plan_team, name="plan-team"),
    path("<uuid:code>/plan/teams/delete/", planning.plan_team_delete, name="plan-team-delete"),
    path("<uuid:code>/plan/assign/", planning.plan_assign, name="plan-assign"),
    path("<uuid:code>/plan/routes/", planning.plan_routes, name="plan-routes"),
    path("<uuid:code>/plan/status/", planning.plan_status, name="plan-status"),
    path("<uuid:code>/plan/adjust/", planning.plan_adjust_visit, name="plan-adjust-visit"),
    path("rules/", planning.sector_rules, name="sector-rules"),
    path("rules/toggle/", planning.sector_rule_toggle, name="sector-rule-toggle"),
]

from inspections.views import checklist_builder  # noqa: E402 - grouped with its routes

urlpatterns += [
    path("checklists/", checklist_builder.checklist_list, name="checklist-list"),
    path("checklists/import/", checklist_builder.checklist_import, name="checklist-import"),
    path("checklists/<uuid:code>/", checklist_builder.checklist_version, name="checklist-version"),
    path(
        "checklists/<uuid:code>/questions/",
        checklist_builder.checklist_question_save,
        name="checklist-question-save",
    ),
    path(
        "checklists/<uuid:code>/questions/change/",
        checklist_builder.checklist_question_change,
        name="checklist-question-change",
    ),
    path(
        "checklists/<uuid:code>/publish/",
        checklist_builder.checklist_publish,
        name="checklist-publish",
    ),
    path(
        "checklists/<uuid:code>/draft/",
        checklist_builder.checklist_new_draft,
        name="checklist-new-draft",
    ),
    path(
        "checklists/<uuid:code>/adapt/",
        checklist_builder.checklist_adapt,
        name="checklist-adapt",
    ),
    path(
        "checklists/<uuid:code>/xlsform.xlsx",
        checklist_builder.checklist_export,
        name="checklist-export",
    ),
]

from inspections.views import exports  # noqa: E402 - grouped with its routes

urlpatterns += [
    path("findings/export/", exports.findings_export, name="findings-export"),
    path("<uuid:code>/plan/map.html", exports.day_map_download, name="action-day-map"),
]

from inspections.views import from_case  # noqa: E402 - grouped with its routes

urlpatterns += [
    path("from-case/<uuid:code>/", from_case.action_day_from_case, name="action-day-from-case"),
]
