"""``/scim/v2/``: the SCIM 2.0 service provider (names in the ``scim`` namespace, which
django-scim2's adapters look up)."""

from django.urls import re_path

from lineofsight.people.scim import views

app_name = "scim"

urlpatterns = [
    re_path(r"^$", views.NotSupportedView.as_view(), name="root"),
    # Not offered (searching by POST, bulk, "me"): 501 in the SCIM error schema.
    re_path(
        r"^(?:Me|Bulk|\.search|Users/\.search|Groups/\.search)$",
        views.NotSupportedView.as_view(),
        name="not-supported",
    ),
    re_path(r"^Users(?:/(?P<uuid>[^/]+))?$", views.UsersView.as_view(), name="users"),
    re_path(r"^Groups(?:/(?P<uuid>[^/]+))?$", views.GroupsView.as_view(), name="groups"),
    re_path(
        r"^ServiceProviderConfig$",
        views.ServiceProviderConfigView.as_view(),
        name="service-provider-config",
    ),
    re_path(
        r"^ResourceTypes(?:/(?P<uuid>[^/]+))?$",
        views.ResourceTypesView.as_view(),
        name="resource-types",
    ),
    re_path(r"^Schemas(?:/(?P<uuid>[^/]+))?$", views.SchemasView.as_view(), name="schemas"),
]
