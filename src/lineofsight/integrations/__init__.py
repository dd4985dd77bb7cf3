"""Notifications and integrations: the outbox of reminders, digests and escalations, people's
notification preferences, teams' chat webhooks, and their delivery through Django Tasks.
"""
