// Composes the API: request ids, logging, limits, auth, error mapping and one sub-app per resource.
import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { authenticate, viewersReadOnly } from './auth/middleware.js';
import type { Deps } from './deps.js';
import { AppError, badRequest, databaseUnavailable, errorBody, isDatabaseUnavailable } from './lib/errors.js';
import type { AppEnv } from './lib/http.js';
import { idempotency } from './lib/idempotency.js';
import { authRoutes } from './routes/auth.js';
import { meRoutes, userRoutes } from './routes/users.js';
import { flowRoutes } from './routes/flows/index.js';
import { flowProposalRoutes } from './routes/flow-proposals.js';
import { sessionRoutes } from './routes/sessions/index.js';
import { sharedRoutes } from './routes/shared.js';
import { assistantRoutes } from './routes/assistant.js';
import { clientMemoryRoutes } from './routes/client-memory.js';
import { draftTemplateRoutes, scriptTemplateRoutes } from './routes/templates.js';
import { searchRoutes } from './routes/search.js';
import { usageRoutes } from './routes/usage.js';
import { settingsRoutes } from './routes/settings/index.js';
import { psaTicketRoutes } from './routes/psa-tickets.js';
import { psaBoardRoutes } from './routes/psa-boards.js';
import { mountDocs } from './routes/docs.js';
import { scheduleRoutes } from './routes/schedules.js';
import { stepRoutes } from './routes/steps.js';
import { reportRoutes } from './routes/reports.js';
import { sessionHistoryRoutes } from './routes/session-history.js';
import { teamRoutes } from './routes/team.js';

/** Paths that must not appear in logs verbatim (share tokens are bearer secrets). */
const logPath = (path: string) => path.replace(/^\/v1\/shared\/[^/]+/, '/v1/shared/[token]');

const PUBLIC_V1 = [/^\/v1\/auth\/(register|login|refresh|logout)$/, /^\/v1\/shared\//];

export function createApp(deps: Deps) {
  const app = new Hono<AppEnv>();

  app.use('*', async (c, next) => {
    const incoming = c.req.header('X-Request-Id');
    const requestId = incoming && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    c.set('requestId', requestId);
    c.set('deps', deps);
    const started = performance.now();
    await next();
    c.header('X-Request-Id', requestId);
    deps.log.info('request', {
      reqId: requestId,
      method: c.req.method,
      path: logPath(c.req.path),
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      user: c.get('auth')?.userId,
    });
  });

  const tooLarge = (c: Context<AppEnv>) => c.json(errorBody('payload_too_large', `The request body is larger than ${deps.config.bodyLimitBytes} bytes.`), 413);
  const streamedBodyLimit = bodyLimit({ maxSize: deps.config.bodyLimitBytes, onError: tooLarge });
  app.use('*', (c, next) => {
    // The same decisions as hono's bodyLimit, without touching `c.req.raw.body`: on @hono/node-server
    // that builds a web Request and a ReadableStream around the socket for every request (~8% of the
    // API's CPU in the write bench), where reading the JSON body later takes a direct path otherwise.
    // A GET/HEAD has no body to a Request; a declared Content-Length is all node reads of a body.
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      return Number.parseInt(length || '0', 10) > deps.config.bodyLimitBytes ? Promise.resolve(tooLarge(c)) : next();
    }
    return streamedBodyLimit(c, next);
  });

  app.get('/healthz', async (c) => {
    // Through the pool's acquire timeout: a saturated pool answers 503, it does not hang.
    await deps.db.global((tx) => tx`select 1`);
    return c.json({ ok: true });
  });

  app.use('/v1/*', async (c, next) => {
    if (PUBLIC_V1.some((re) => re.test(c.req.path))) return next();
    return authenticate()(c, next);
  });
  app.use('/v1/*', viewersReadOnly());
  app.use('/v1/*', utf8Bodies());
  app.use('/v1/*', idempotency());

  // One sub-app per resource, each at its own prefix: nothing is mounted at bare /v1, so order does not matter.
  const routes = app
    .route('/v1/auth', authRoutes)
    .route('/v1/me', meRoutes)
    .route('/v1/users', userRoutes)
    .route('/v1/flows', flowRoutes)
    .route('/v1/flow-proposals', flowProposalRoutes)
    .route('/v1/sessions', sessionRoutes)
    .route('/v1/assistant', assistantRoutes)
    .route('/v1/client-memory', clientMemoryRoutes)
    .route('/v1/shared', sharedRoutes)
    .route('/v1/draft-templates', draftTemplateRoutes)
    .route('/v1/script-templates', scriptTemplateRoutes)
    .route('/v1/search', searchRoutes)
    .route('/v1/usage', usageRoutes)
    .route('/v1/settings', settingsRoutes)
    .route('/v1/psa/tickets', psaTicketRoutes)
    .route('/v1/maintenance-schedules', scheduleRoutes)
    .route('/v1/step-library', stepRoutes)
    .route('/v1/reports', reportRoutes)
    .route('/v1/session-history', sessionHistoryRoutes)
    .route('/v1/team', teamRoutes)
    .route('/v1/psa/boards', psaBoardRoutes);

  // Public: the OpenAPI document of every route above, and Scalar's reference page over it.
  mountDocs(app, (path) => PUBLIC_V1.some((re) => re.test(path)));

  app.notFound((c) => c.json(errorBody('not_found', `No route for ${c.req.method} ${logPath(c.req.path)}.`), 404));

  app.onError((err, c) => {
    if (isDatabaseUnavailable(err)) {
      // The database went away (restart, failover, network): answer fast with a retryable 503. The pool
      // reconnects by itself on the next request once the server accepts connections again.
      deps.log.warn('database unavailable', { reqId: c.get('requestId'), method: c.req.method, path: logPath(c.req.path), code: (err as { code?: string }).code });
      err = databaseUnavailable();
    }
    if (err instanceof AppError) {
      for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
      return c.json(errorBody(err.code, err.message), err.status);
    }
    if (err instanceof HTTPException) {
      const status = err.status;
      const message = status === 400 ? 'Malformed request: ' + (err.message || 'the body could not be read.') : err.message || 'Request failed.';
      return c.json(errorBody(status === 400 ? 'invalid_input' : 'http_error', message), status as 400);
    }
    deps.log.error('unhandled error', {
      reqId: c.get('requestId'),
      method: c.req.method,
      path: logPath(c.req.path),
      error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
      stack: err instanceof Error ? err.stack : undefined,
    });
    return c.json(errorBody('internal', `Something went wrong on our side (request ${c.get('requestId')}).`), 500);
  });

  return routes;
}

export type AppType = ReturnType<typeof createApp>;

/**
 * Bodies are UTF-8 JSON: invalid UTF-8 is refused with a 400, never decoded into U+FFFD and stored. The bytes
 * are read once through Hono's body cache, so the validators and the idempotency hash read the same bytes.
 */
function utf8Bodies(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const body = new Uint8Array(await c.req.arrayBuffer());
    if (body.byteLength > 0 && !isUtf8(body)) throw badRequest('The request body is not valid UTF-8.');
    return next();
  };
}
