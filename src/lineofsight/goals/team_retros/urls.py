"""The team retrospective's pages. The paths are part of the product's contract."""

from django.urls import path

from lineofsight.goals.team_retros import views

urlpatterns = [
    path(
        "teams/<int:team_id>/retrospectives/<int:cycle_id>/",
        views.team_retrospective,
        name="team-retrospective",
    ),
    path(
        "teams/<int:team_id>/retrospectives/<int:cycle_id>/publish/",
        views.publish_team_retrospective,
        name="team-retrospective-publish",
    ),
]
