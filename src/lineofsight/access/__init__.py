"""The access policy, composed from the rules each app keeps beside its models."""
