"""HR's pages for people and teams (``/organisation/people/``, ``/organisation/teams/``) and
for provisioning (``/organisation/provisioning/``)."""

from django.urls import path

from lineofsight.people.organisation import provisioning, views

urlpatterns = [
    path("organisation/provisioning/", provisioning.provisioning, name="org-provisioning"),
    path(
        "organisation/provisioning/<int:token_id>/revoke/",
        provisioning.provisioning_revoke,
        name="org-provisioning-revoke",
    ),
    path("organisation/people/", views.people_list, name="org-people"),
    path("organisation/people/new/", views.person_new, name="org-person-new"),
    path("organisation/people/picker/", views.person_picker, name="org-person-picker"),
    path("organisation/people/<int:person_id>/", views.person_edit, name="org-person"),
    path("organisation/teams/", views.team_tree, name="org-teams"),
    path("organisation/teams/new/", views.team_new, name="org-team-new"),
    path("organisation/teams/<int:team_id>/", views.team_edit, name="org-team"),
    path(
        "organisation/teams/<int:team_id>/members/",
        views.team_member_add,
        name="org-team-member-add",
    ),
    path(
        "organisation/teams/<int:team_id>/members/<int:person_id>/remove/",
        views.team_member_remove,
        name="org-team-member-remove",
    ),
]
