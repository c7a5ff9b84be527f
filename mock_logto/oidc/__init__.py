"""The OIDC protocol as Logto runs it (oidc-provider v8 plus Logto's grants and rules).

No HTTP here beyond reading parameters: the checks of each endpoint as named, ordered steps,
and what is issued after them. Routes in :mod:`mock_logto.routes.oidc` call into it.
"""
