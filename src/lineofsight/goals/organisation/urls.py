"""The organisation hub and HR's cycles page."""

from django.urls import path

from lineofsight.goals.organisation import views

urlpatterns = [
    path("organisation/", views.hub, name="organisation"),
    path("organisation/cycles/", views.cycle_list, name="org-cycles"),
    path("organisation/cycles/new/", views.cycle_new, name="org-cycle-new"),
    path("organisation/cycles/<int:cycle_id>/", views.cycle_edit, name="org-cycle"),
    path("organisation/cycles/<int:cycle_id>/open/", views.cycle_open, name="org-cycle-open"),
]
