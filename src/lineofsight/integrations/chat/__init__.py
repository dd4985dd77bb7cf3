"""Direct messages in Slack and Microsoft Teams, and check-ins recorded from them.

* ``models``: the organisation's chat apps (their secrets encrypted), who is who in chat,
  and the interactions already handled (so a replayed one records nothing twice).
* ``slack`` and ``teams``: the two platforms' Web API shapes, request signing and tokens.
* ``sending``: one outbox notification sent as a direct message (``integrations.delivery``
  calls it; retries and idempotency are the outbox's).
* ``actions``: connecting and disconnecting an app, linking a person, a check-in from chat.
* ``views``: HR's settings page and the two platforms' endpoints.
"""
