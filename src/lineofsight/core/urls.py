"""Signing out, personal API tokens, and the audit log (signing in is the people app's)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from lineofsight.core import audit_views, views

urlpatterns = [
    path("favicon.ico", views.favicon, name="favicon"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("settings/tokens/", views.token_list, name="tokens"),
    path("settings/tokens/<int:token_id>/revoke/", views.token_revoke, name="token-revoke"),
    path("audit/", audit_views.audit_page, name="audit"),
    path("audit/export.csv", audit_views.audit_csv, name="audit-csv"),
    path("audit/export.json", audit_views.audit_json, name="audit-json"),
]
