"""Personal data requests (HR): export everything about a person, erase a person who left."""

from django.urls import path

from lineofsight.privacy import views

urlpatterns = [
    path("privacy/requests/", views.requests_page, name="privacy-requests"),
    path("privacy/requests/<int:person_id>/", views.person_page, name="privacy-person"),
    path("privacy/requests/<int:person_id>/export/", views.export_zip, name="privacy-export"),
    path("privacy/requests/<int:person_id>/erase/", views.erase_page, name="privacy-erase"),
]
