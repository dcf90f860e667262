// Apollo Client's own PersistedQueryLink against a live server: each run is two fresh clients
// asking the same query, so the first registers the document and the second finds it.
//
// Environment: GRAPHQL_URL, API_KEY, MODE ("post" or "get": useGETForHashedQueries).
// Prints JSON: {results: [data of client 1, data of client 2], requests: [{method, hashOnly,
// status, cacheControl, contentType, errors}]} with every HTTP request the links made.
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client/core/index.js';
import { createPersistedQueryLink } from '@apollo/client/link/persisted-queries/index.js';
import { sha256 } from 'crypto-hash';

const { GRAPHQL_URL: url, API_KEY: key, MODE: mode } = process.env;
if (!url || !key || !['post', 'get'].includes(mode)) {
  console.error('GRAPHQL_URL, API_KEY and MODE (post|get) must be set');
  process.exit(2);
}

const requests = [];
async function recordingFetch(input, init = {}) {
  const response = await fetch(input, init);
  const body = await response.clone().json().catch(() => null);
  const sent = init.body ? JSON.parse(init.body) : Object.fromEntries(new URL(input).searchParams);
  requests.push({
    method: init.method || 'GET',
    hashOnly: !sent.query,
    status: response.status,
    cacheControl: response.headers.get('cache-control'),
    contentType: response.headers.get('content-type'),
    errors: body && body.errors ? body.errors.map((e) => e.message) : null,
  });
  return response;
}

// One document per mode, so each run starts with a hash the server has not seen.
const QUERY = gql(`
  query ProjectCount_${mode} {
    projects(first: 1) {
      totalCount
    }
  }
`);

function client() {
  const persisted = createPersistedQueryLink({ sha256, useGETForHashedQueries: mode === 'get' });
  const http = new HttpLink({
    uri: url,
    fetch: recordingFetch,
    headers: { Authorization: `Bearer ${key}` },
  });
  return new ApolloClient({ link: persisted.concat(http), cache: new InMemoryCache() });
}

const results = [];
for (let i = 0; i < 2; i += 1) {
  const { data } = await client().query({ query: QUERY, fetchPolicy: 'network-only' });
  results.push(data);
}
process.stdout.write(JSON.stringify({ results, requests }));
