"""What the tests share, one of each: paths, tenants, clients, tokens, sign-in, replay.

- `paths`: the repository's files (fixtures, golden recordings, README).
- `tenants`: the in-process issuer, API indicators and the demo tenant's apps.
- `apps`: settings that ignore the environment, in-process clients, the test's clock.
- `admin`: Management API tokens.
- `sign_in`: PKCE, the Experience API sign-in, redirects to the callback.
- `errors`: Logto's error bodies, written out (never built by the package's code).
- `verify`: tokens read and verified independently (PyJWT, published keys).
- `replay`: replays Logto's recordings against the mock.
- `readme`: the README's code blocks and settings table.
- `server`: real sockets (a free port, a server on one).
- `dockerfile`: the Dockerfile's instructions and the environment the image sets.

Test modules import from here, never from `conftest` or from one another.
"""
