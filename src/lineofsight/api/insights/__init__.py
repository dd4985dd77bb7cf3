"""The REST API's routes for the insights app."""
