// API documentation: the OpenAPI document generated from the app's own routes and the zod schemas they
// validate with (`validate` in lib/http.ts marks them), served at /openapi.json, with Scalar at /docs.
import { Scalar } from '@scalar/hono-api-reference';
import type { Hono } from 'hono';
import { generateSpecs } from 'hono-openapi';
import type { OpenAPIV3_1 } from 'openapi-types';
import type { AppEnv } from '../lib/http.js';

const errorSchema: OpenAPIV3_1.SchemaObject = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' } },
    },
  },
};

type Operation = OpenAPIV3_1.OperationObject;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;

/**
 * Fills in what the schemas cannot say: a tag per resource, which operations need the bearer token,
 * and a declaration for every path parameter (routes without a `param` schema still have them).
 */
function finish(doc: OpenAPIV3_1.Document, isPublic: (path: string) => boolean): OpenAPIV3_1.Document {
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    if (!item) continue;
    const params = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    const samplePath = path.replace(/\{[^}]+\}/g, 'x');
    for (const method of METHODS) {
      const op = item[method] as Operation | undefined;
      if (!op) continue;
      op.tags ??= [path.startsWith('/v1/') ? path.split('/')[2]! : 'service'];
      if (path.startsWith('/v1/') && !isPublic(samplePath)) op.security ??= [{ bearerAuth: [] }];
      else op.security ??= [];
      const declared = new Set((op.parameters ?? []).flatMap((p) => ('in' in p && p.in === 'path' ? [p.name] : [])));
      const missing = params.filter((name) => !declared.has(name));
      if (missing.length) {
        op.parameters = [...(op.parameters ?? []), ...missing.map((name) => ({ in: 'path', name, required: true, schema: { type: 'string' } }) as const)];
      }
      op.responses ??= {};
      op.responses.default ??= { description: 'An error', content: { 'application/json': { schema: errorSchema } } };
    }
  }
  return doc;
}

/**
 * Mounts GET /openapi.json and GET /docs (both public) on `app`. The document is built on first request,
 * from every route registered by then (so mount this after the routes, or at least before serving).
 */
export function mountDocs(app: Hono<AppEnv>, isPublic: (path: string) => boolean): void {
  let doc: Promise<OpenAPIV3_1.Document> | undefined;
  const build = async () =>
    finish(
      (await generateSpecs(app, {
        includeEmptyPaths: true,
        excludeStaticFile: false, // else /openapi.json itself (a dot in the last segment) is left out
        documentation: {
          info: {
            title: 'FlowPilot API',
            version: '1',
            description: 'Every route of the FlowPilot API. Errors are `{"error":{"code","message"}}`. Send `Authorization: Bearer <access token>` except where an operation says otherwise.',
          },
          components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
        },
        defaultValidationErrorResponse: {
          description: 'Invalid input (`invalid_input`), naming the bad fields.',
          content: { 'application/json': { schema: errorSchema } },
        },
      })) as OpenAPIV3_1.Document,
      isPublic,
    );
  app.get('/openapi.json', async (c) => {
    doc ??= build().catch((err: unknown) => {
      doc = undefined; // a failed build is retried by the next request
      throw err;
    });
    return c.json(await doc);
  });
  app.get('/docs', Scalar({ url: '/openapi.json', pageTitle: 'FlowPilot API' }));
}
