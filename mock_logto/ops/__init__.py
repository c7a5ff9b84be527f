"""The tenant's rules and mutations, written once for the fixture loader and the Management API.

Each module holds one entity family: it creates, changes, links and deletes entities of a
:class:`~mock_logto.models.Tenant`, applies Logto's rules (uniqueness and its case rules, role
types, cascades on delete) and raises :class:`~mock_logto.errors.TenantError` subclasses. The
loader turns those errors into one-line fixture problems; the Management API answers them as
Logto's error bodies. Nothing here knows about HTTP or files.
"""
