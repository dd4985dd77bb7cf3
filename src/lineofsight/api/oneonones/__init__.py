"""The REST API of one-on-ones."""
