// The copilot on a session: POST /v1/sessions/:id/suggest (JSON, or SSE with Accept: text/event-stream).
import { Hono } from 'hono';
import { z } from 'zod';
import type { AskStreamEvent } from '../../../shared/ask.js';
import { AppError, badRequest } from '../../lib/errors.js';
import type { AppEnv } from '../../lib/http.js';
import { callsOut } from '../../lib/idempotency.js';
import { orderedSSE } from '../../lib/sse.js';
import { issueLines } from '../../lib/zod-issues.js';
import { authOf, tenantOf, validate, withTenant } from '../../lib/http.js';
import { suggest, type SuggestEvent } from '../../services/ai/suggest.js';
import { offlineSuggester } from '../../services/ai/offline-bridge.js';
import { getSession } from '../../services/sessions/index.js';
import { idParam } from './params.js';

const suggestBody = z
  .object({
    /** "auto" (default) lets the router decide; the panel's "think harder" sends "deep". */
    tier: z.enum(['auto', 'offline', 'fast', 'deep']).default('auto'),
    question: z.string().trim().min(1).max(2000).optional(),
  })
  .strict();

export const suggestRoutes = new Hono<AppEnv>()
  .post('/:id/suggest', callsOut(), validate('param', idParam), async (c) => {
    const { id } = c.req.valid('param');
    // The body is optional: an empty POST asks for the router's choice.
    const raw = (await c.req.text()).trim();
    let input: unknown = {};
    if (raw) {
      try {
        input = JSON.parse(raw);
      } catch {
        throw badRequest('Malformed request: the body is not JSON.');
      }
    }
    const parsed = suggestBody.safeParse(input);
    if (!parsed.success) {
      throw badRequest(`Invalid body: ${issueLines(parsed.error.issues, { root: 'body' }).join('; ')}`);
    }
    const body = parsed.data;
    const auth = authOf(c);
    const deps = c.get('deps');
    const params = {
      llm: deps.ai?.llm,
      log: deps.log,
      accountId: auth.accountId,
      userId: auth.userId,
      sessionId: id,
      tenant: tenantOf(c),
      requestedTier: body.tier === 'auto' ? undefined : body.tier,
      question: body.question,
      offline: offlineSuggester,
    };

    if (!(c.req.header('Accept') ?? '').includes('text/event-stream')) {
      return c.json(await suggest({ ...params, signal: c.req.raw.signal }));
    }

    // SSE: routing → deltas (model tiers) → suggestion → done. A client that goes away aborts the model call.
    // An unknown session is still a plain 404, before the stream starts.
    await withTenant(c, (tx) => getSession(tx, id));
    return orderedSSE<AskStreamEvent>(c, async (send, signal) => {
      try {
        const result = await suggest({
          ...params,
          signal,
          onEvent: (e: SuggestEvent) => {
            const { type, ...rest } = e;
            void send(type, rest);
          },
        });
        if (!signal.aborted) await send('suggestion', result);
        await send('done', {});
      } catch (err) {
        // Our own refusals (e.g. outbound_preview_required) say what to do; anything else stays generic.
        if (err instanceof AppError) {
          await send('failed', { code: err.code, message: err.message });
          return;
        }
        // Never let the helper write err.message to the client: log it, send a generic event.
        deps.log.error('copilot stream failed', { reqId: c.get('requestId'), error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
        await send('failed', { code: 'internal', message: `The suggestion failed (request ${c.get('requestId')}); try again.` });
      }
    });
  });
