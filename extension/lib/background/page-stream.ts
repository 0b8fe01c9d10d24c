// One streamed API call per message on a runtime port, for the extension's own pages (the standalone assistant,
// the AI flow builder): the request is checked, the SSE answer goes out as the page's events, then `done`, or an
// error. A page that closes its port stops the posting.
import { browser } from 'wxt/browser';
import type { z } from 'zod/mini';
import type { ApiClient } from './api-client';
import { toCallError } from './api-client';
import { readSse } from './ask';
import { describeIssues, safeParse } from './schemas';
import { senderKind } from './senders';

type StreamError = { type: 'error'; message: string; status: number; code?: string };

export interface PageStream<R, E> {
  port: string;
  /** Names the feature in a malformed-request message. */
  label: string;
  request: z.ZodMiniType<R>;
  path: string;
  /** The page's events for one SSE event of the API's answer. */
  toEvents: (event: string, data: string) => E[];
  /** The SSE event a plain JSON answer stands for (an API that did not stream). */
  plainEvent: string;
}

export function servePageStream<R, E extends { type: string }>(api: ApiClient, s: PageStream<R, E>) {
  browser.runtime.onConnect.addListener((port) => {
    if (port.name !== s.port) return;
    // Account-level features, like the rest of the workspace: the extension's own pages only.
    if (senderKind(port.sender) !== 'extension-page') {
      port.disconnect();
      return;
    }
    const controller = new AbortController();
    port.onDisconnect.addListener(() => controller.abort());
    port.onMessage.addListener((msg: unknown) => {
      const post = (e: E | StreamError | { type: 'done' }) => {
        if (!controller.signal.aborted) port.postMessage(e);
      };
      const parsed = safeParse(s.request, msg);
      if (!parsed.success) {
        post({ type: 'error', message: `${s.label}: malformed request (${describeIssues(parsed.error)}).`, status: 400 });
        return;
      }
      void (async () => {
        try {
          const res = await api.stream({ method: 'POST', path: s.path, body: parsed.data });
          if ((res.headers.get('Content-Type') ?? '').includes('text/event-stream') && res.body) {
            for await (const { event, data } of readSse(res.body)) for (const e of s.toEvents(event, data)) post(e);
          } else {
            for (const e of s.toEvents(s.plainEvent, await res.text())) post(e);
          }
          post({ type: 'done' });
        } catch (err) {
          const e = toCallError(err);
          post({ type: 'error', message: e.message, status: e.status, code: e.code });
        }
      })();
    });
  });
}
