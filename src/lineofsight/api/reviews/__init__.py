"""The REST API's routes for the reviews app."""
