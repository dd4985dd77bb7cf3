"""Outbound webhooks: subscriptions to the product's events, signed deliveries with retries,
their log and replays (see docs/integrations.md, "Webhooks").

Not to be confused with ``integrations.webhooks``, which posts chat messages to Slack's and
Microsoft Teams' incoming webhooks.
"""
