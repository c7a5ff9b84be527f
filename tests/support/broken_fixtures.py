"""Fixture files with one mistake each, and the one problem line the loader answers.

Shared by the loader's tests and the JSON Schema's (which refuses the shape errors among them).
"""

from __future__ import annotations

BASE = """
resources:
  - name: API
    indicator: https://api.test
    scopes: [{name: read}, {name: write}]
roles:
  - {name: reader, type: User, scopes: ["https://api.test read"]}
  - {name: service, type: MachineToMachine, scopes: ["https://api.test read"]}
applications:
  - {id: m2m, name: m2m, type: MachineToMachine, secret: s3cret, roles: [service]}
users:
  - {username: alice, roles: [reader]}
"""

# (name, fixture text, the one expected problem line after the file name)
BROKEN = [
    (
        "unknown-key",
        BASE + "  - {username: bob, colour: blue}\n",
        "users[1] (bob): colour: unknown key",
    ),
    (
        "snake-case-key",
        BASE.replace("roles: [service]}", "roles: [service], redirect_uris: []}"),
        "applications[0] (m2m): redirect_uris: unknown key (did you mean 'redirectUris'?)",
    ),
    (
        "role-unknown-scope",
        BASE.replace(
            '"https://api.test read"]}\n  - {name: service',
            '"https://api.test delete"]}\n  - {name: service',
        ),
        "roles[0] (reader): scopes[0]: API resource 'https://api.test' has no scope 'delete'",
    ),
    (
        "role-unknown-resource",
        BASE.replace(
            'scopes: ["https://api.test read"]}\n  - {name: service',
            'scopes: ["https://nope.test read"]}\n  - {name: service',
        ),
        "roles[0] (reader): scopes[0]: unknown API resource 'https://nope.test'",
    ),
    (
        "scope-ref-format",
        BASE.replace(
            'scopes: ["https://api.test read"]}\n  - {name: service',
            'scopes: ["read"]}\n  - {name: service',
        ),
        "roles[0] (reader): scopes[0]: 'read' must be '<resource indicator> <scope name>'",
    ),
    (
        "misspelt-role",
        BASE.replace("{username: alice, roles: [reader]}", "{username: alice, roles: [raeder]}"),
        "users[0] (alice): roles[0]: unknown role 'raeder' (did you mean 'reader'?)",
    ),
    (
        "misspelt-section",
        BASE + "organisations: []\n",
        "organisations: unknown key (did you mean 'organizations'?)",
    ),
    (
        "user-unknown-role",
        BASE.replace("{username: alice, roles: [reader]}", "{username: alice, roles: [admin]}"),
        "users[0] (alice): roles[0]: unknown role 'admin'",
    ),
    (
        "user-given-m2m-role",
        BASE.replace("{username: alice, roles: [reader]}", "{username: alice, roles: [service]}"),
        "users[0] (alice): roles[0]: role 'service' is a MachineToMachine role; "
        "users take User roles",
    ),
    (
        "duplicate-app-id",
        BASE.replace("users:", "  - {id: m2m, name: other, type: MachineToMachine}\nusers:"),
        "applications[1] (other): id: duplicate id 'm2m', also used by FILE: applications[0]",
    ),
    (
        "duplicate-indicator",
        BASE.replace("roles:\n", "  - {name: API 2, indicator: https://api.test}\nroles:\n", 1),
        "resources[1] (API 2): indicator: duplicate indicator 'https://api.test'",
    ),
    (
        "relative-indicator",
        BASE.replace("roles:\n", "  - {name: Rel, indicator: /relative}\nroles:\n", 1),
        "resources[1] (Rel): indicator: '/relative' must be an absolute URI",
    ),
    (
        "indicator-with-fragment",
        BASE.replace("roles:\n", "  - {name: Frag, indicator: 'https://x.test/#a'}\nroles:\n", 1),
        "resources[1] (Frag): indicator: 'https://x.test/#a' must not contain a fragment component",
    ),
    (
        "wrong-type",
        BASE.replace("type: MachineToMachine, secret", "type: Robot, secret"),
        "applications[0] (m2m): type: Input should be 'MachineToMachine', 'Traditional', 'SPA' "
        "or 'Native'",
    ),
    (
        "ttl-not-positive",
        BASE.replace(
            "indicator: https://api.test\n", "indicator: https://api.test\n    accessTokenTtl: 0\n"
        ),
        "resources[0] (API): accessTokenTtl: Input should be greater than 0",
    ),
    (
        "secret-on-public-client",
        BASE.replace("users:", "  - {name: spa, type: SPA, secret: x}\nusers:"),
        "applications[1] (spa): secret: SPA apps are public clients: no secret",
    ),
    (
        "role-on-web-app",
        BASE.replace("users:", "  - {name: web, type: Traditional, roles: [service]}\nusers:"),
        "applications[1] (web): roles: only MachineToMachine apps can be given roles",
    ),
    (
        "bad-redirect-uri",
        BASE.replace(
            "users:", "  - {name: web, type: Traditional, redirectUris: [callback]}\nusers:"
        ),
        "applications[1] (web): redirectUris[0]: 'callback' is not a URI",
    ),
    (
        "management-scope-in-user-role",
        BASE.replace(
            '"https://api.test read"]}\n  - {name: service',
            '"https://default.logto.app/api all"]}\n  - {name: service',
        ),
        "roles[0] (reader): scopes[0]: Management API scopes cannot be given to a User role",
    ),
    (
        "duplicate-username",
        BASE + "  - {id: u2, username: alice}\n",
        "users[1] (alice): username: 'alice' is already used by FILE: users[0] (alice)",
    ),
    (
        "duplicate-email-in-another-case",
        BASE.replace("{username: alice,", "{username: alice, primaryEmail: alice@example.com,")
        + "  - {username: bob, primaryEmail: Alice@Example.com}\n",
        "users[1] (bob): primaryEmail: 'Alice@Example.com' is already used by "
        "FILE: users[0] (alice)",
    ),
    (
        "org-unknown-member",
        BASE + "organizations:\n  - {name: acme, users: [{user: carol}]}\n",
        "organizations[0] (acme): users[0].user: unknown user 'carol'",
    ),
    (
        "org-unknown-role",
        BASE + "organizations:\n  - {name: acme, users: [{user: alice, roles: [owner]}]}\n",
        "organizations[0] (acme): users[0].roles[0]: unknown organization role 'owner'",
    ),
    (
        "org-user-role-given-to-app",
        BASE + "organizationRoles:\n  - {name: member, type: User}\n"
        "organizations:\n  - {name: acme, applications: [{application: m2m, roles: [member]}]}\n",
        "organizations[0] (acme): applications[0].roles[0]: organization role 'member' is a User "
        "role; this member takes MachineToMachine roles",
    ),
    (
        "org-role-unknown-org-scope",
        BASE + "organizationRoles:\n  - {name: member, organizationScopes: [org:read]}\n",
        "organizationRoles[0] (member): organizationScopes[0]: unknown organization scope "
        "'org:read'",
    ),
    (
        "scope-name-with-space",
        BASE.replace("{name: write}", "{name: 'write all'}"),
        "resources[0] (API): scopes[1].name: String should match pattern '^\\S+$'",
    ),
    (
        "section-not-a-list",
        "applications: {name: x}\n",
        "applications: Input should be a valid list",
    ),
]
