"""Threads on objectives, key results and check-ins, and what one does to a comment."""

from django.urls import path

from lineofsight.discussion import views

urlpatterns = [
    path(
        "discussion/objectives/<int:objective_id>/",
        views.objective_thread,
        name="objective-discussion",
    ),
    path(
        "discussion/key-results/<int:key_result_id>/",
        views.key_result_thread,
        name="key-result-discussion",
    ),
    path(
        "discussion/check-ins/<int:check_in_id>/",
        views.check_in_thread,
        name="check-in-discussion",
    ),
    path(
        "discussion/objectives/<int:objective_id>/mentions/",
        views.mention_candidates,
        name="discussion-mentions",
    ),
    path("comments/<int:comment_id>/edit/", views.comment_edit, name="comment-edit"),
    path("comments/<int:comment_id>/remove/", views.comment_remove, name="comment-remove"),
    path("comments/<int:comment_id>/react/", views.comment_react, name="comment-react"),
    path("comments/<int:comment_id>/versions/", views.comment_versions, name="comment-versions"),
]
