// Drives mock-logto's Management API through @logto/api (Logto's typed client, npm), for
// tests/e2e/test_logto_api_client.py.  Reads one JSON document on stdin:
//   {baseUrl, clientId, clientSecret, apiIndicator,
//    calls: [{name, method, path, params, body, parseAs}]}
// and writes [{name, status, body}] on stdout.  Strings "${name.field}" in a call's params or body
// are replaced by that field of an earlier call's answer, so a call can use an id just created.
// `parseAs: "text"` is for Logto's bare 201s (Koa's plain-text `Created`), which openapi-fetch
// would otherwise parse as JSON and fail on, against Logto as against the mock.
import { createManagementApi } from '@logto/api/management';

const read = async () => {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
};

const substitute = (value, answers) => {
  if (typeof value === 'string') {
    return value.replace(/\$\{(\w+)\.(\w+)\}/g, (_, name, field) => String(answers[name][field]));
  }
  if (Array.isArray(value)) {
    return value.map((item) => substitute(item, answers));
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, substitute(item, answers)])
    );
  }
  return value;
};

const input = await read();
const { apiClient } = createManagementApi('default', {
  clientId: input.clientId,
  clientSecret: input.clientSecret,
  baseUrl: input.baseUrl,
  apiIndicator: input.apiIndicator,
});

const answers = {};
const results = [];
for (const call of input.calls) {
  const options = substitute({ params: call.params ?? {} }, answers);
  if (call.parseAs) {
    options.parseAs = call.parseAs;
  }
  if (call.body !== null && call.body !== undefined) {
    options.body = substitute(call.body, answers);
  }
  const { data, error, response } = await apiClient[call.method](call.path, options);
  const body = response.ok ? data ?? null : error ?? null;
  answers[call.name] = body;
  results.push({ name: call.name, status: response.status, body });
}
process.stdout.write(JSON.stringify(results));
