from django.urls import path  # noqa: F401

app_name = "cases"

# Each feature adds its routes here: signals, subjects, case files, network, meetings.
urlpatterns: list = []

from cases.views import meetings as meeting_views  # noqa: E402

urlpatterns += [
    path("meetings/", meeting_views.meeting_list, name="meeting-list"),
    path("meetings/new/", meeting_views.meeting_create, name="meeting-create"),
    path("meetings/<uuid:code>/", meeting_views.meeting_page, name="meeting"),
    path(
        "meetings/<uuid:code>/participants/",
        meeting_views.meeting_participant_add,
        name="meeting-participant-add",
    ),
    path(
        "meetings/<uuid:code>/acknowledge/",
        meeting_views.meeting_acknowledge,
        name="meeting-acknowledge",
    ),
    path(
        "meetings/<uuid:code>/agenda/", meeting_views.meeting_agenda_add, name="meeting-agenda-add"
    ),
    path(
        "meetings/<uuid:code>/cases/<uuid:case>/decision/",
        meeting_views.meeting_decision,
        name="meeting-decision",
    ),
    path("meetings/<uuid:code>/share/", meeting_views.meeting_share, name="meeting-share"),
    path("meetings/<uuid:code>/minutes/", meeting_views.meeting_minutes, name="meeting-minutes"),
    path("meetings/<uuid:code>/hold/", meeting_views.meeting_hold, name="meeting-hold"),
    path(
        "actions/<uuid:code>/complete/",
        meeting_views.case_action_complete,
        name="case-action-complete",
    ),
    path("instruments/", meeting_views.instrument_list, name="instrument-list"),
    path("instruments/new/", meeting_views.instrument_create, name="instrument-create"),
]

from cases.views import signals as signal_views  # noqa: E402

urlpatterns += [
    path("signals/new/", signal_views.file_signal_page, name="signal-file"),
    path("signals/mine/", signal_views.my_signals, name="my-signals"),
    path("signals/premises/", signal_views.premises_search, name="signal-premises-search"),
    path("triage/", signal_views.triage_queue, name="triage-queue"),
    path("triage/<uuid:code>/", signal_views.triage_detail, name="triage-signal"),
    path("triage/<uuid:code>/verify/", signal_views.triage_verify, name="triage-verify"),
    path("triage/<uuid:code>/premises/", signal_views.triage_link_premises, name="triage-premises"),
    path("triage/<uuid:code>/case/", signal_views.triage_link_case, name="triage-case"),
    path("triage/<uuid:code>/open-case/", signal_views.triage_open_case, name="triage-open-case"),
    path("triage/<uuid:code>/merge/", signal_views.triage_merge, name="triage-merge"),
    path("triage/<uuid:code>/dismiss/", signal_views.triage_dismiss, name="triage-dismiss"),
]

from cases.views import network as network_views  # noqa: E402
from cases.views import subjects as subject_views  # noqa: E402

urlpatterns += [
    path("subjects/", subject_views.subject_register, name="subject-register"),
    path("subjects/pick/", subject_views.subject_pick, name="subject-pick"),
    path("subjects/new/", subject_views.subject_new, name="subject-new"),
    path("subjects/<uuid:code>/", subject_views.subject_detail, name="subject-detail"),
    path("subjects/<uuid:code>/links/", subject_views.link_new, name="subject-link-new"),
    path("subjects/<uuid:code>/office/", subject_views.office_move, name="subject-office-move"),
    path(
        "subjects/<uuid:code>/links/<uuid:link_code>/end/",
        subject_views.link_end,
        name="subject-link-end",
    ),
    path("network/connect/", network_views.connect, name="network-connect"),
]

from cases.views import files as file_views  # noqa: E402
from cases.views import hub as hub_views  # noqa: E402

urlpatterns += [
    path("overview/", hub_views.hub, name="hub"),
    path("", file_views.case_list, name="case-list"),
    path("new/", file_views.case_new, name="case-new"),
    path("<uuid:code>/", file_views.case_page, name="case"),
    path("<uuid:code>/team/", file_views.case_member_add, name="case-member-add"),
    path("<uuid:code>/team/remove/", file_views.case_member_remove, name="case-member-remove"),
    path("<uuid:code>/subjects/", file_views.case_subject_add, name="case-subject-add"),
    path("<uuid:code>/premises/", file_views.case_premises_add, name="case-premises-add"),
    path(
        "<uuid:code>/subjects/remove/",
        file_views.case_subject_remove,
        name="case-subject-remove",
    ),
    path("<uuid:code>/entries/", file_views.case_entry_add, name="case-entry-add"),
    path("<uuid:code>/state/", file_views.case_move, name="case-move"),
]
