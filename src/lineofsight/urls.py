"""URL map: the browser UI, the REST API under /api/, SCIM provisioning under /scim/v2/, and
Django's admin under /admin/."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("lineofsight.api.urls")),
    path("scim/v2/", include("lineofsight.people.scim.urls")),
    path("", include("lineofsight.core.urls")),
    path("", include("lineofsight.people.urls")),
    path("", include("lineofsight.people.sso.urls")),
    path("", include("lineofsight.people.orgchart_urls")),
    path("", include("lineofsight.people.organisation.urls")),
    path("", include("lineofsight.goals.organisation.urls")),
    path("", include("lineofsight.goals.urls")),
    path("", include("lineofsight.integrations.urls")),
    path("", include("lineofsight.goals.closing.urls")),
    path("", include("lineofsight.goals.team_retros.urls")),
    path("", include("lineofsight.insights.urls")),
    path("", include("lineofsight.search.urls")),
    path("", include("lineofsight.coach.urls")),
    path("", include("lineofsight.reviews.urls")),
    path("", include("lineofsight.discussion.urls")),
    path("", include("lineofsight.oneonones.urls")),
    path("", include("lineofsight.privacy.urls")),
]
