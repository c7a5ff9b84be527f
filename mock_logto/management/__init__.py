"""Logto's Management API under `/api`: guarded routes over the live tenant.

What is served changes the tenant the OIDC side reads, so the next token shows it. Handlers
(one module per entity family) parse requests and shape answers; the rules they apply are the
tenant operations of :mod:`mock_logto.ops`, whose errors are Logto's error bodies. The route
table is :mod:`.router`. This package imports nothing itself, so a module that needs only
:mod:`.shapes` (webhook payloads) does not load the routes.
"""
