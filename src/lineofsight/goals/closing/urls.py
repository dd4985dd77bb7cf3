"""Pages for closing a cycle. The paths are part of the product's contract; every one has a
name."""

from django.urls import path

from lineofsight.goals.closing import views

urlpatterns = [
    path("cycles/", views.cycle_list, name="cycles"),
    path("cycles/<int:cycle_id>/", views.cycle_detail, name="cycle"),
    path("cycles/<int:cycle_id>/close/", views.cycle_close, name="cycle-close"),
    path("cycles/<int:cycle_id>/regrade/", views.cycle_regrade, name="cycle-regrade"),
    path("cycles/<int:cycle_id>/close-out/", views.close_out, name="cycle-close-out"),
    path("objectives/<int:objective_id>/grade/", views.objective_grade, name="objective-grade"),
    path(
        "objectives/<int:objective_id>/retrospective/",
        views.objective_retrospective,
        name="objective-retrospective",
    ),
    path("key-results/<int:key_result_id>/grade/", views.key_result_grade, name="key-result-grade"),
    path(
        "key-results/<int:key_result_id>/carry-over/",
        views.key_result_carry_over,
        name="key-result-carry-over",
    ),
    path(
        "people/<int:person_id>/confidence-calibration/",
        views.person_calibration,
        name="person-calibration",
    ),
    path(
        "teams/<int:team_id>/confidence-calibration/",
        views.team_calibration,
        name="team-calibration",
    ),
]
