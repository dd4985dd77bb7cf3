"""The REST API's routes for the integrations app."""
