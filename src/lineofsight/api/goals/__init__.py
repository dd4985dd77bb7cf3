"""The REST API's routes for the goals app."""
