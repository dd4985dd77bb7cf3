"""The REST API's routes for the coach app."""
