from django.urls import path  # noqa: F401 - each feature adds its routes below

from inspections.views import board, briefing, reuse

urlpatterns: list = []

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
