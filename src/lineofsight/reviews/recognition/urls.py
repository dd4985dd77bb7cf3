"""Recognition in the browser. Every path has a name."""

from django.urls import URLPattern, URLResolver, path

from lineofsight.reviews.recognition import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("people/<int:person_id>/kudos/", views.person_kudos, name="person-kudos"),
    path("key-results/<int:key_result_id>/kudos/", views.key_result_kudos, name="key-result-kudos"),
    path("recognition/nominations/", views.nomination_list, name="spot-bonus-nominations"),
    path("recognition/nominations/new/", views.nomination_new, name="spot-bonus-nomination-new"),
    path(
        "recognition/nominations/<int:nomination_id>/",
        views.nomination_detail,
        name="spot-bonus-nomination",
    ),
    path(
        "recognition/nominations/<int:nomination_id>/decide/",
        views.nomination_decide,
        name="spot-bonus-nomination-decide",
    ),
]
