"""Calibration in the browser. Every path has a name."""

from django.urls import URLPattern, URLResolver, path

from lineofsight.reviews.calibration import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("reviews/calibration/", views.session_list, name="calibration-sessions"),
    path("reviews/calibration/new/", views.session_new, name="calibration-session-new"),
    path("reviews/calibration/rules/", views.rule_list, name="calibration-rules"),
    path("reviews/calibration/rules/<slug:code>/", views.rule_edit, name="calibration-rule"),
    path(
        "reviews/calibration/<int:session_id>/",
        views.session_detail,
        name="calibration-session",
    ),
    path(
        "reviews/calibration/<int:session_id>/edit/",
        views.session_edit,
        name="calibration-session-edit",
    ),
    path(
        "reviews/calibration/<int:session_id>/state/",
        views.session_state,
        name="calibration-session-state",
    ),
    path(
        "reviews/calibration/<int:session_id>/distribution.csv",
        views.session_export,
        name="calibration-session-export",
    ),
    path(
        "reviews/calibration/<int:session_id>/reviews/<int:review_id>/move/",
        views.session_move,
        name="calibration-move",
    ),
    path(
        "reviews/calibration/<int:session_id>/reviews/<int:review_id>/explain/",
        views.session_explain,
        name="calibration-explain",
    ),
]
