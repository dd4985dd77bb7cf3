"""Reviews in the browser: one URL module per concept."""

from django.urls import include, path

urlpatterns = [
    path("", include("lineofsight.reviews.cycles.urls")),
    path("", include("lineofsight.reviews.conversation.urls")),
    path("", include("lineofsight.reviews.evidence.urls")),
    path("", include("lineofsight.reviews.calibration.urls")),
    path("", include("lineofsight.reviews.recognition.urls")),
]
