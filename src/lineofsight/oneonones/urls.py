"""One-on-ones: the list, setting one up, a series, a meeting and what is done in it."""

from django.urls import path

from lineofsight.oneonones import views

urlpatterns = [
    path("one-on-ones/", views.my_one_on_ones, name="one-on-ones"),
    path("one-on-ones/new/", views.set_up, name="one-on-one-new"),
    path("one-on-ones/series/<int:series_id>/", views.series_page, name="one-on-one-series"),
    path("one-on-ones/series/<int:series_id>/end/", views.series_end, name="one-on-one-end"),
    path("one-on-ones/<int:meeting_id>/", views.meeting_page, name="one-on-one-meeting"),
    path("one-on-ones/<int:meeting_id>/move/", views.meeting_move, name="one-on-one-move"),
    path("one-on-ones/<int:meeting_id>/skip/", views.meeting_skip, name="one-on-one-skip"),
    path("one-on-ones/<int:meeting_id>/agenda/", views.agenda_add, name="one-on-one-agenda"),
    path("one-on-ones/<int:meeting_id>/notes/", views.notes_save, name="one-on-one-notes"),
    path(
        "one-on-ones/<int:meeting_id>/notes/versions/",
        views.notes_versions,
        name="one-on-one-note-versions",
    ),
    path(
        "one-on-ones/<int:meeting_id>/private-note/",
        views.private_note_save,
        name="one-on-one-private-note",
    ),
    path("one-on-ones/<int:meeting_id>/actions/", views.action_add, name="one-on-one-action"),
    path(
        "one-on-ones/<int:meeting_id>/share/",
        views.share_into_review,
        name="one-on-one-share",
    ),
    path(
        "one-on-ones/agenda/<int:agenda_id>/tick/", views.agenda_tick, name="one-on-one-agenda-tick"
    ),
    path(
        "one-on-ones/agenda/<int:agenda_id>/move/", views.agenda_move, name="one-on-one-agenda-move"
    ),
    path(
        "one-on-ones/agenda/<int:agenda_id>/remove/",
        views.agenda_remove,
        name="one-on-one-agenda-remove",
    ),
    path(
        "one-on-ones/action-items/<int:action_id>/done/",
        views.action_done,
        name="one-on-one-action-done",
    ),
]
