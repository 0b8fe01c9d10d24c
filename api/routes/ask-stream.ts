// Answers an Ask request as JSON, or as an SSE stream (sources, delta…, done | error) with Accept: text/event-stream.
import { AppError } from '../lib/errors.js';
import type { AppContext } from '../lib/http.js';
import { authOf, withTenant } from '../lib/http.js';
import { orderedSSE } from '../lib/sse.js';
import { ask, type AskEvent, type AskParams } from '../services/ai/ask.js';
import type { Tier } from '../services/copilot/types.js';

export interface AskInput {
  target: AskParams['target'];
  question: string;
  tier: 'auto' | Tier;
  /** Runs before the stream starts, so an unknown session or conversation is still a plain 404. */
  check: () => Promise<unknown>;
}

export async function answerAsk(c: AppContext, input: AskInput): Promise<Response> {
  const auth = authOf(c);
  const deps = c.get('deps');
  const params: Omit<AskParams, 'signal' | 'onEvent'> = {
    llm: deps.ai?.llm,
    embedder: deps.ai?.embedder,
    log: deps.log,
    accountId: auth.accountId,
    userId: auth.userId,
    tenant: <T>(fn: Parameters<typeof withTenant<T>>[1]) => withTenant<T>(c, fn),
    target: input.target,
    question: input.question,
    requestedTier: input.tier === 'auto' ? undefined : input.tier,
  };
  if (!(c.req.header('Accept') ?? '').includes('text/event-stream')) {
    return c.json(await ask({ ...params, signal: c.req.raw.signal }), 201);
  }

  await input.check();
  return orderedSSE<AskEvent['event'] | 'error'>(c, async (send, signal) => {
    try {
      const result = await ask({ ...params, signal, onEvent: (e) => void send(e.event, e.data) });
      await send('done', result);
    } catch (err) {
      // Our own refusals (e.g. outbound_preview_required) say what to do; anything else stays generic.
      if (err instanceof AppError) {
        await send('error', { code: err.code, message: err.message });
        return;
      }
      // Never write err.message to the client: log it, send a generic event.
      deps.log.error('ask stream failed', { reqId: c.get('requestId'), error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
      await send('error', { code: 'internal', message: `The answer failed (request ${c.get('requestId')}); try again.` });
    }
  });
}
