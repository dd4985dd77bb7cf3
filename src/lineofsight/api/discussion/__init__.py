"""The REST API of discussion."""
