"""URLs of the evidence pack: the pack, the packet (page and PDF), team context, drafts."""

from django.urls import URLPattern, URLResolver, path

from lineofsight.reviews.evidence import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("reviews/<int:review_id>/evidence/", views.evidence, name="review-evidence"),
    path("reviews/<int:review_id>/packet/", views.packet, name="review-packet"),
    path("reviews/<int:review_id>/packet.pdf", views.packet_pdf, name="review-packet-pdf"),
    path(
        "reviews/cycles/<int:cycle_id>/teams/<int:team_id>/",
        views.team_context,
        name="review-team-context",
    ),
    path("reviews/<int:review_id>/drafts/", views.drafts_propose, name="review-drafts"),
    path("reviews/drafts/<int:draft_id>/", views.draft_edit, name="review-draft"),
    path(
        "reviews/drafts/<int:draft_id>/publish/",
        views.draft_publish,
        name="review-draft-publish",
    ),
    path(
        "reviews/drafts/<int:draft_id>/discard/",
        views.draft_discard,
        name="review-draft-discard",
    ),
]
