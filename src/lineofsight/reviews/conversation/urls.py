"""Pages of the review conversation: the inbox, feedback forms, the review page, peer
requests, sharing, acknowledgement and amendments."""

from django.urls import URLPattern, URLResolver, path

from lineofsight.reviews.conversation import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("reviews/", views.my_reviews, name="my-reviews"),
    path("reviews/<int:review_id>/", views.review, name="review"),
    path("reviews/<int:review_id>/share/", views.share, name="review-share"),
    path("reviews/<int:review_id>/acknowledge/", views.acknowledge, name="review-acknowledge"),
    path("reviews/<int:review_id>/amend/", views.amend, name="review-amend"),
    path("reviews/<int:review_id>/peers/", views.peers, name="review-peers"),
    path("reviews/<int:review_id>/upward/", views.upward, name="review-upward"),
    path("reviews/feedback/<int:feedback_id>/", views.feedback, name="review-feedback"),
    path(
        "reviews/feedback/<int:feedback_id>/approve/",
        views.approve,
        name="review-feedback-approve",
    ),
    path(
        "reviews/feedback/<int:feedback_id>/decline/",
        views.decline,
        name="review-feedback-decline",
    ),
]
