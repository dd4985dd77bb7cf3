"""Single sign-on: signing in through a provider, and HR's sign-in settings."""

from django.urls import path

from lineofsight.people.sso import hr_views, views

urlpatterns = [
    path("login/sso/callback/", views.callback, name="sso-callback"),
    path("login/sso/<slug:slug>/", views.start, name="sso-start"),
    path("organisation/sign-in/", hr_views.overview, name="org-sign-in"),
    path("organisation/sign-in/sso-only/", hr_views.sso_only, name="org-sso-only"),
    path("organisation/sign-in/break-glass/", hr_views.break_glass_add, name="org-break-glass-add"),
    path(
        "organisation/sign-in/break-glass/<int:person_id>/remove/",
        hr_views.break_glass_remove,
        name="org-break-glass-remove",
    ),
    path("organisation/sign-in/providers/new/", hr_views.provider_new, name="org-provider-new"),
    path(
        "organisation/sign-in/providers/<int:provider_id>/",
        hr_views.provider_edit,
        name="org-provider",
    ),
    path(
        "organisation/sign-in/providers/<int:provider_id>/delete/",
        hr_views.provider_delete,
        name="org-provider-delete",
    ),
]
