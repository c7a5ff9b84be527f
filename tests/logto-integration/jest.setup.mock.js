// Runs Logto's integration tests against mock-logto instead of a Logto started with
// INTEGRATION_TEST=true.  Two differences only, both at the fetch layer so that test files,
// helpers and assertions stay unchanged:
// - the suite authenticates with a `development-user-id` header (honoured only by Logto in
//   integration-test mode); every such request is sent with a Management API token of an M2M app
//   of the mock's tenant instead (client_credentials, resource https://default.logto.app/api).
// - the one request to the admin tenant (jest.setup.api.js: PATCH <console>/api/sign-in-exp) is
//   answered here: the mock has no admin tenant.
import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// The patch for the global require function of jest.setup.api.js.
globalThis.require = createRequire(import.meta.url);

const logtoUrl = process.env.INTEGRATION_TESTS_LOGTO_URL ?? 'http://localhost:3001';
const consoleUrl = process.env.INTEGRATION_TESTS_LOGTO_CONSOLE_URL ?? 'http://localhost:3002';
const appId = process.env.MOCK_M2M_APP_ID;
const appSecret = process.env.MOCK_M2M_APP_SECRET;
const managementApi = process.env.MOCK_MANAGEMENT_API ?? 'https://default.logto.app/api';
const devHeader = 'development-user-id';

const realFetch = globalThis.fetch.bind(globalThis);
let token;
let tokenExpiresAt = 0;

const managementToken = async () => {
  if (token && Date.now() < tokenExpiresAt) {
    return token;
  }
  const response = await realFetch(new URL('oidc/token', `${logtoUrl}/`), {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${appId}:${appSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      resource: managementApi,
      scope: 'all',
    }),
  });
  if (!response.ok) {
    throw new Error(`Management API token: ${response.status} ${await response.text()}`);
  }
  const body = await response.json();
  token = body.access_token;
  tokenExpiresAt = Date.now() + (body.expires_in - 60) * 1000;
  return token;
};

// With MOCK_IT_TRACE=FILE, every answer >= 400 is appended to FILE (one JSON line: test file,
// test or null for a hook, method, URL, status, error code): jest's HTTPError names neither the
// route nor the code, results.py uses these lines to name a failure's cause.
const trace = process.env.MOCK_IT_TRACE;
const traced = async (request, response) => {
  if (trace && response.status >= 400) {
    const { testPath, currentTestName } = expect.getState();
    let code = null;
    try {
      code = (await response.clone().json()).code ?? null;
    } catch {}
    const line = { testPath, test: currentTestName ?? null, method: request.method, url: request.url };
    appendFileSync(trace, JSON.stringify({ ...line, status: response.status, code }) + '\n');
  }
  return response;
};

globalThis.fetch = async (input, init) => {
  const request = new Request(input, init);
  const response = await send(request);
  return traced(request, response);
};

const send = async (request) => {
  if (request.method === 'PATCH' && request.url === new URL('api/sign-in-exp', `${consoleUrl}/`).href) {
    // The admin tenant's sign-in experience (jest.setup.api.js): there is no admin tenant.
    return Response.json({ signInMode: 'SignInAndRegister' });
  }
  if (!request.headers.has(devHeader)) {
    return realFetch(request);
  }
  const headers = new Headers(request.headers);
  headers.delete(devHeader);
  headers.set('authorization', `Bearer ${await managementToken()}`);
  return realFetch(new Request(request, { headers }));
};

await import('./jest.setup.api.js');
