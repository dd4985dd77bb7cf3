from django.apps import AppConfig


class DiscussionConfig(AppConfig):
    name = "lineofsight.discussion"
    label = "discussion"
    verbose_name = "Discussion"
