// The API documentation: /openapi.json lists every route the app serves, with the schemas the routes
// validate with, and /docs serves the reference page. Both are public.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../test/harness.js';

let t: TestContext;
let doc: any;
beforeAll(async () => {
  t = await createTestContext();
  const res = await t.request('GET', '/openapi.json');
  expect(res.status).toBe(200);
  doc = res.body;
});
afterAll(() => t.close());

/** Hono's path syntax to OpenAPI's: `:id` and `:action{accept|reject}` are both `{name}`. */
const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z_]\w*)(\{[^}]*\})?\??/g, '{$1}');

describe('OpenAPI document', () => {
  it('lists every method and path in the app', () => {
    const routes = new Set(
      t.app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method.toLowerCase()} ${toOpenApiPath(r.path)}`),
    );
    // Sanity: the route list is the real one, with nested sub-app paths and parameters.
    expect(routes.size).toBeGreaterThan(60);
    expect(routes).toContain('post /v1/sessions/{id}/fixes/{fixId}/{action}');
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method} ${path}`),
    );
    const missing = [...routes].filter((r) => !documented.includes(r));
    expect(missing).toEqual([]);
    expect(doc.openapi).toMatch(/^3\./);
  });

  it('documents request bodies, queries and path parameters from the zod schemas the routes validate with', () => {
    const register = doc.paths['/v1/auth/register'].post;
    const body = register.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(expect.arrayContaining(['email', 'password']));
    expect(Object.keys(body.properties)).toEqual(expect.arrayContaining(['accountName', 'name', 'email', 'password']));
    expect(register.security).toEqual([]);

    const search = doc.paths['/v1/search'].get;
    expect(search.parameters.map((p: { in: string; name: string }) => `${p.in}:${p.name}`)).toContain('query:q');
    expect(search.security).toEqual([{ bearerAuth: [] }]);
    expect(search.responses['400'].content['application/json'].schema.properties.error.required).toEqual(['code', 'message']);

    const ask = doc.paths['/v1/sessions/{id}/ask'].post.requestBody.content['application/json'].schema;
    expect(ask.required).toEqual(['question']);
    expect(doc.paths['/v1/assistant/ask'].post.requestBody.content['application/json'].schema.properties).toHaveProperty('conversationId');
    expect(doc.paths['/v1/client-memory'].get.parameters.map((p: { in: string; name: string }) => `${p.in}:${p.name}`)).toEqual(['query:company']);

    const flow = doc.paths['/v1/flows/{id}'].get;
    const id = flow.parameters.find((p: { in: string; name: string }) => p.in === 'path' && p.name === 'id');
    expect(id).toMatchObject({ required: true, schema: { format: 'uuid' } });
  });

  it('declares every path parameter, also on routes that validate none', () => {
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, { parameters?: { in: string; name: string }[] }>>)) {
      const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(ops)) {
        const declared = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
        expect(declared.sort(), `${method} ${path}`).toEqual([...names].sort());
      }
    }
  });

  it('serves the reference page at /docs without a token', async () => {
    const res = await t.request('GET', '/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.text).toContain('/openapi.json');
  });
});
