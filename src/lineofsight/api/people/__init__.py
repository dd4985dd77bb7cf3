"""The REST API's routes for the people app."""
