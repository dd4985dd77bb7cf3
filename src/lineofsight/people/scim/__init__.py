"""SCIM 2.0 provisioning (``/scim/v2/``): an identity provider (Entra ID, Okta) creates,
updates and deactivates people and teams through the organisation's named actions.

Built on django-scim2 (views, errors, schemas, service provider configuration) and
scim2-filter-parser (filters and PATCH paths); see docs/identity.md.
"""
