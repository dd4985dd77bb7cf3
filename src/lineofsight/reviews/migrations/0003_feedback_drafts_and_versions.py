"""The manager review's draft rating moves onto its feedback row, and feedback gets a version.

Ratings saved in manager reviews not yet submitted were kept on the review, where everything
that counts ratings read them as final. They move to the manager review's draft (its
author's alone), and the rating changes those drafts logged go with them: the history of a
rating starts when the manager review is submitted.
"""

from django.db import migrations, models

OPEN_STATES = ("self_review", "manager_review")


def move_draft_ratings(apps, schema_editor):  # type: ignore[no-untyped-def]
    Review = apps.get_model("reviews", "Review")
    Feedback = apps.get_model("reviews", "Feedback")
    RatingChange = apps.get_model("reviews", "RatingChange")
    drafted = Review.objects.filter(state__in=OPEN_STATES).exclude(
        rating__isnull=True, potential__isnull=True, rating_explanation=""
    )
    for review in drafted.iterator():
        Feedback.objects.filter(review_id=review.pk, kind="manager").update(
            draft_rating=review.rating,
            draft_potential=review.potential,
            draft_rating_explanation=review.rating_explanation,
        )
    RatingChange.objects.filter(review__state__in=OPEN_STATES, session__isnull=True).delete()
    drafted.update(rating=None, potential=None, rating_explanation="")


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0002_evidence_pack"),
    ]

    operations = [
        migrations.AddField(
            model_name="feedback",
            name="draft_potential",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="feedback",
            name="draft_rating",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="feedback",
            name="draft_rating_explanation",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="feedback",
            name="version",
            field=models.PositiveIntegerField(default=1),
        ),
        migrations.RunPython(move_draft_ratings, migrations.RunPython.noop),
    ]
