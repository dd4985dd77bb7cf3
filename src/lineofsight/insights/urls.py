"""Dashboard pages. The paths are part of the product's contract (tests, benchmarks and the
documentation use them)."""

from django.urls import path

from lineofsight.insights import views

urlpatterns = [
    path("dashboards/", views.leadership, name="dashboards"),
    path("dashboards/teams/<int:team_id>/", views.team, name="dashboard-team"),
    path("dashboards/people/<int:person_id>/", views.person, name="dashboard-person"),
]
