"""The coach's pages and fragments. The paths are part of the product's contract (tests, the
documentation and the benchmark use them)."""

from django.urls import path

from lineofsight.coach import drafts as coach_drafts
from lineofsight.coach import views as coach_views

urlpatterns = [
    path("health/", coach_views.health_page, name="coach-health"),
    path(
        "health/departments/<int:team_id>/",
        coach_views.health_department,
        name="coach-health-department",
    ),
    path(
        "coach/objectives/<int:objective_id>/", coach_views.objective_card, name="coach-objective"
    ),
    path("coach/teams/<int:team_id>/", coach_views.team_card, name="coach-team"),
    path("coach/rules/", coach_views.rules_page, name="coach-rules"),
    path("coach/acknowledge/", coach_views.acknowledge, name="coach-acknowledge"),
    path(
        "coach/acknowledgements/<int:acknowledgement_id>/reopen/",
        coach_views.reopen,
        name="coach-reopen",
    ),
    path("coach/draft/objective/", coach_drafts.draft_objective, name="coach-draft-objective"),
    path(
        "coach/draft/objectives/<int:objective_id>/key-result/",
        coach_drafts.draft_key_result,
        name="coach-draft-key-result",
    ),
]
