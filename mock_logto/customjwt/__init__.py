"""Custom JWT: Logto's JWT customizer (scripts adding claims to access tokens) and ID token config.

- :mod:`.config`: what a tenant holds (the scripts per token kind, Python callables set by tests,
  the extended ID token claims), core layer;
- :mod:`.engine`: runs a script in an embedded V8 (mini-racer, the optional `jwt` extra) as
  Logto's local VM does, mapping failures to Logto's error bodies;
- :mod:`.claims`: the `token` and `context` Logto passes, and the rules applied when a token is
  issued (errors swallowed, `api.denyAccess()` → `access_denied`).
"""
