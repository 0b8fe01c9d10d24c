// An SSE response whose events keep their order and whose work stops when the client goes away.
import { streamSSE } from 'hono/streaming';
import type { AppContext } from './http.js';

/** Queues one event; resolves once it is written (or dropped because the client left). */
export type SendEvent<E extends string> = (event: E, data: unknown) => Promise<void>;

/**
 * Runs `run` inside an SSE stream. `signal` aborts when the request or the stream is aborted, so a model call
 * stops with its client. Writes are chained because events arrive from callbacks that do not await each other;
 * each gets the next sequence number as its id.
 */
export function orderedSSE<E extends string>(c: AppContext, run: (send: SendEvent<E>, signal: AbortSignal) => Promise<void>): Response {
  const upstream = new AbortController();
  const onRequestAbort = () => upstream.abort();
  c.req.raw.signal.addEventListener('abort', onRequestAbort, { once: true });
  return streamSSE(c, async (stream) => {
    stream.onAbort(() => upstream.abort());
    let seq = 0;
    let chain = Promise.resolve();
    const send: SendEvent<E> = (event, data) => {
      chain = chain.then(() => (stream.aborted ? undefined : stream.writeSSE({ event, data: JSON.stringify(data), id: String(seq++) })));
      return chain;
    };
    try {
      await run(send, upstream.signal);
    } finally {
      c.req.raw.signal.removeEventListener('abort', onRequestAbort);
    }
  });
}
