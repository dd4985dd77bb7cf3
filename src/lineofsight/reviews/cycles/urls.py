"""Review cycles, templates and the OKR-to-review policy in the browser. Every path has a
name."""

from django.urls import URLPattern, URLResolver, path

from lineofsight.reviews import policy_views
from lineofsight.reviews.cycles import template_views, views

urlpatterns: list[URLPattern | URLResolver] = [
    path("reviews/policy/", policy_views.policy_page, name="review-policy"),
    path("reviews/policy/edit/", policy_views.policy_edit, name="review-policy-edit"),
    path("reviews/templates/", template_views.template_list, name="review-templates"),
    path("reviews/templates/new/", template_views.template_new, name="review-template-new"),
    path(
        "reviews/templates/<int:template_id>/",
        template_views.template_edit,
        name="review-template-edit",
    ),
    path(
        "reviews/templates/<int:template_id>/duplicate/",
        template_views.template_duplicate,
        name="review-template-duplicate",
    ),
    path(
        "reviews/templates/<int:template_id>/archive/",
        template_views.template_archive,
        name="review-template-archive",
    ),
    path("reviews/cycles/", views.cycle_list, name="review-cycles"),
    path("reviews/cycles/new/", views.cycle_new, name="review-cycle-new"),
    path(
        "reviews/cycles/population/",
        views.population_preview,
        name="review-cycle-population",
    ),
    path("reviews/cycles/<int:cycle_id>/", views.cycle_detail, name="review-cycle"),
    path("reviews/cycles/<int:cycle_id>/launch/", views.cycle_launch, name="review-cycle-launch"),
    path("reviews/cycles/<int:cycle_id>/close/", views.cycle_close, name="review-cycle-close"),
    path(
        "reviews/cycles/<int:cycle_id>/ratings.csv",
        views.ratings_csv,
        name="review-cycle-ratings",
    ),
]
