// Runs the graphql-http audit suite (GraphQL over HTTP conformance) against a live server.
//
// Environment: GRAPHQL_HTTP_MODULES (the node_modules folder holding graphql-http),
// AUDIT_URL (the /graphql endpoint) and AUDIT_KEY (an API key). The audits send their requests
// without our key, so fetch is wrapped to add `Authorization: Bearer <key>` to each of them.
// Prints one JSON array on stdout: {id, name, status, reason, httpStatus} per audit.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const modules = process.env.GRAPHQL_HTTP_MODULES;
const url = process.env.AUDIT_URL;
const key = process.env.AUDIT_KEY;
if (!modules || !url || !key) {
  console.error('GRAPHQL_HTTP_MODULES, AUDIT_URL and AUDIT_KEY must be set');
  process.exit(2);
}

const { auditServer } = await import(
  pathToFileURL(join(modules, 'graphql-http', 'lib', 'index.mjs')).href
);

async function fetchWithKey(input, init = {}) {
  const headers = new Headers(init.headers || {});
  headers.set('Authorization', `Bearer ${key}`);
  return fetch(input, { ...init, headers });
}

const results = await auditServer({ url, fetchFn: fetchWithKey });
const report = [];
for (const result of results) {
  report.push({
    id: result.id,
    name: result.name,
    status: result.status,
    reason: result.status === 'ok' ? null : result.reason,
    httpStatus: result.status === 'ok' ? null : result.response?.status ?? null,
  });
}
process.stdout.write(JSON.stringify(report));
