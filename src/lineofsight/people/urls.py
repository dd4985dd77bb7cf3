"""The directory: people and teams."""

from django.urls import path

from lineofsight.people import views

urlpatterns = [
    path("people/", views.people_list, name="people"),
    path("people/<int:person_id>/", views.person_detail, name="person"),
    path("teams/", views.team_list, name="teams"),
    path("teams/<int:team_id>/", views.team_detail, name="team"),
]
