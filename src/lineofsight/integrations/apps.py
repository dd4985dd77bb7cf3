from typing import Any

from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "lineofsight.integrations"
    label = "integrations"
    verbose_name = "Notifications and integrations"

    def ready(self) -> None:
        from lineofsight.goals.signals import alignment_decided, alignment_proposed

        alignment_proposed.connect(_proposed, dispatch_uid="integrations.alignment_proposed")
        alignment_decided.connect(_decided, dispatch_uid="integrations.alignment_decided")

        from lineofsight.goals.signals import objective_approval, objective_changed

        objective_approval.connect(_approval_event, dispatch_uid="integrations.objective_approval")

        objective_changed.connect(_parent_changed, dispatch_uid="integrations.parent_changed")

        from lineofsight.goals.signals import team_retrospective_published

        team_retrospective_published.connect(
            _team_retrospective_published, dispatch_uid="integrations.team_retrospective"
        )

        from lineofsight.discussion.signals import comment_edited, comment_posted

        comment_posted.connect(_comment_posted, dispatch_uid="integrations.comment_posted")
        comment_edited.connect(_comment_edited, dispatch_uid="integrations.comment_edited")

        from lineofsight.oneonones.signals import action_item_assigned, agenda_item_added

        agenda_item_added.connect(_agenda_item_added, dispatch_uid="integrations.agenda_added")
        action_item_assigned.connect(
            _action_item_assigned, dispatch_uid="integrations.action_item_assigned"
        )

        from lineofsight.reviews import signals as reviews

        for signal, receiver in (
            (reviews.self_reviews_opened, _self_reviews_opened),
            (reviews.feedback_opened, _feedback_opened),
            (reviews.approval_needed, _approval_needed),
            (reviews.review_shared, _review_shared),
            (reviews.kudos_given, _kudos_given),
            (reviews.nomination_decided, _nomination_decided),
        ):
            signal.connect(receiver, dispatch_uid=f"integrations.{receiver.__name__}")

        # Outbound webhooks: the events subscribers may choose.
        from lineofsight.goals import signals as goals
        from lineofsight.integrations.outbound import receivers as hooks

        for signal, hook in (
            (goals.check_in_recorded, hooks.check_in_recorded),
            (goals.objective_created, hooks.objective_created),
            (goals.objective_changed, hooks.objective_changed),
            (goals.alignment_proposed, hooks.alignment_proposed),
            (goals.alignment_decided, hooks.alignment_decided),
            (goals.cycle_closed, hooks.cycle_closed),
            (reviews.review_shared, hooks.review_shared),
        ):
            signal.connect(hook, dispatch_uid=f"integrations.webhook.{hook.__name__}")


def _proposed(sender: Any, **kwargs: Any) -> None:
    from lineofsight.integrations.alignment import proposed

    proposed(sender, **kwargs)


def _decided(sender: Any, **kwargs: Any) -> None:
    from lineofsight.integrations.alignment import decided

    decided(sender, **kwargs)


def _approval_event(sender: Any, **kwargs: Any) -> None:
    from lineofsight.integrations.approvals import approval_event

    approval_event(sender, **kwargs)


def _parent_changed(sender: Any, **kwargs: Any) -> None:
    from lineofsight.integrations.parents import changed

    changed(sender, **kwargs)


def _team_retrospective_published(sender: Any, **kwargs: Any) -> None:
    from lineofsight.integrations.team_retros import published

    published(sender, **kwargs)


def _comment_posted(sender: Any, **kwargs: Any) -> None:
    from lineofsight.integrations.discussion import posted

    posted(sender, **kwargs)


def _comment_edited(sender: Any, **kwargs: Any) -> None:
    from lineofsight.integrations.discussion import edited

    edited(sender, **kwargs)


def _agenda_item_added(sender: Any, **kwargs: Any) -> None:
    from lineofsight.integrations.oneonones import agenda_item_added

    agenda_item_added(sender, **kwargs)


def _action_item_assigned(sender: Any, **kwargs: Any) -> None:
    from lineofsight.integrations.oneonones import action_item_assigned

    action_item_assigned(sender, **kwargs)


# Review and recognition notifications: queued in the outbox once the action commits.


def _self_reviews_opened(sender: Any, review_cycle_id: int, **kwargs: Any) -> None:
    from django.db import transaction

    from lineofsight.integrations.reviews import notify

    transaction.on_commit(lambda: notify.self_reviews_opened(review_cycle_id), robust=True)


def _feedback_opened(sender: Any, feedback: Any, **kwargs: Any) -> None:
    from lineofsight.integrations.reviews import notify

    notify.feedback_opened(feedback)


def _approval_needed(sender: Any, review: Any, requested: Any, **kwargs: Any) -> None:
    from lineofsight.integrations.reviews import notify

    notify.approval_needed(review, requested)


def _review_shared(sender: Any, review: Any, shared_by: Any, **kwargs: Any) -> None:
    from lineofsight.integrations.reviews import notify

    notify.review_shared(review, shared_by)


def _kudos_given(sender: Any, kudos_id: int, **kwargs: Any) -> None:
    from lineofsight.integrations.recognition import notify

    notify.kudos_given(kudos_id)


def _nomination_decided(sender: Any, nomination_id: int, **kwargs: Any) -> None:
    from lineofsight.integrations.recognition import notify

    notify.nomination_decided(nomination_id)
