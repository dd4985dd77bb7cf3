"""Threads on objectives, key results and check-ins, and what one does to a comment."""

from django.urls import path

from lineofsight.discussion import views

urlpatterns = [
    path("discussion/<slug:kind>/<int:pk>/", views.thread_view, name="discussion-thread"),
    path(
        "discussion/<slug:kind>/<int:pk>/mentions/",
        views.mention_candidates,
        name="discussion-mentions",
    ),
    path("comments/<int:comment_id>/edit/", views.comment_edit, name="comment-edit"),
    path("comments/<int:comment_id>/remove/", views.comment_remove, name="comment-remove"),
    path("comments/<int:comment_id>/react/", views.comment_react, name="comment-react"),
    path("comments/<int:comment_id>/versions/", views.comment_versions, name="comment-versions"),
]
