// The AI flow builder: POST /v1/flows/generate drafts a flow from a sentence (a model, or the offline builder);
// JSON, or SSE with Accept: text/event-stream.
import { Hono } from 'hono';
import { z } from 'zod';
import { AppError } from '../../lib/errors.js';
import type { AppEnv } from '../../lib/http.js';
import { callsOut } from '../../lib/idempotency.js';
import { orderedSSE } from '../../lib/sse.js';
import { authOf, requireRole, tenantOf, validate, withTenant } from '../../lib/http.js';
import { DraftRejected, generateFlow, type DraftStep, type GeneratedFlowView } from '../../services/ai/flow-builder.js';
import { redactorFor } from '../../services/ai/privacy.js';
import { recordUsage, zeroUsage } from '../../services/ai/usage.js';
import type { LlmUsage } from '../../services/ai/types.js';
import { FLOW_KINDS } from '../../services/flows/index.js';
import { readPreferences } from '../../services/settings.js';

const generateBody = z.object({ prompt: z.string().trim().min(3).max(2000), kind: z.enum(FLOW_KINDS).optional() }).strict();

export const generateRoutes = new Hono<AppEnv>()
  .post('/generate', callsOut(), requireRole('engineer'), validate('json', generateBody), async (c) => {
    const body = c.req.valid('json');
    const auth = authOf(c);
    const deps = c.get('deps');
    const prefs = await withTenant(c, (tx) => readPreferences(tx));
    const started = performance.now();
    const usageOf = (e: unknown) => (e as { usage?: LlmUsage; attempts?: number } | null) ?? {};
    const record = (tier: 'offline' | 'deep', outcome: 'ok' | 'repaired' | 'fallback' | 'error', usage: LlmUsage, attempts: number, model: string | null, reason: string | null) =>
      withTenant(c, (tx) =>
        recordUsage(tx, {
          accountId: auth.accountId,
          userId: auth.userId,
          feature: 'flow_builder',
          tier,
          routedTier: deps.ai?.llm ? 'deep' : 'offline',
          provider: deps.ai?.llm ? 'anthropic' : 'offline',
          model,
          outcome,
          fallbackReason: reason,
          usage,
          attempts,
          latencyMs: performance.now() - started,
        }),
      );
    // The JSON answer, or the error the client gets (the same for both transports).
    const answer = async (signal: AbortSignal, onStep?: (s: DraftStep) => void): Promise<GeneratedFlowView> => {
      try {
        const result = await generateFlow({
          llm: deps.ai?.llm,
          model: prefs.ai.deepModel,
          log: deps.log,
          prompt: body.prompt,
          kind: body.kind,
          redact: redactorFor(prefs),
          tenant: tenantOf(c),
          signal,
          onStep,
        });
        const outcome = result.origin === 'model' ? (result.repaired ? 'repaired' : 'ok') : deps.ai?.llm ? 'fallback' : 'ok';
        await record(result.origin === 'model' ? 'deep' : 'offline', outcome, result.usage, result.attempts, result.model ?? (deps.ai?.llm ? prefs.ai.deepModel : null), result.fallbackReason);
        const { usage: _usage, attempts: _attempts, ...view } = result;
        return { ...view, tier: result.origin === 'model' ? 'deep' : 'offline' };
      } catch (err) {
        if (!(err instanceof DraftRejected)) throw err;
        const u = usageOf(err);
        await record('deep', 'error', u.usage ?? zeroUsage(), u.attempts ?? 0, prefs.ai.deepModel, err.message.slice(0, 300));
        throw new AppError(422, 'invalid_flow', `${err.message}. Rephrase the request or start from a library flow.`);
      }
    };
    if (!(c.req.header('Accept') ?? '').includes('text/event-stream')) return c.json(await answer(c.req.raw.signal));

    // SSE: a `step` per node as it completes, then `result` (the JSON answer) or `error` (the error shape).
    return orderedSSE<'step' | 'result' | 'error'>(c, async (send, signal) => {
      try {
        const result = await answer(signal, (s) => void send('step', s));
        await send('result', result);
      } catch (err) {
        if (err instanceof AppError) {
          await send('error', { error: { code: err.code, message: err.message } });
          return;
        }
        deps.log.error('flow builder stream failed', { reqId: c.get('requestId'), error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
        await send('error', { error: { code: 'internal', message: `The draft failed (request ${c.get('requestId')}); try again.` } });
      }
    });
  });
