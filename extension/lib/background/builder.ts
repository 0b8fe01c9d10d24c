// The AI flow builder: streams a draft flow from the API to the workspace over a runtime port (POST /v1/flows/generate
// as SSE): each node as soon as the model has written it, then the draft itself.
import { browser } from 'wxt/browser';
import type { ApiClient } from './api-client';
import { toCallError } from './api-client';
import type { BuilderStep, GeneratedFlowResult } from '../common/api-types';
import { BUILDER_PORT, type BuilderEvent } from '../common/protocol';
import { readSse } from './ask';
import { builderRequest, describeIssues, safeParse } from './schemas';
import { senderKind } from './senders';

function parseJson(data: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(data) as unknown;
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** One event of the stream as the workspace sees it; anything malformed is dropped (the result or an error still ends it). */
export function toBuilderEvents(event: string, data: string): BuilderEvent[] {
  const parsed = parseJson(data);
  switch (event) {
    case 'step':
      return typeof parsed?.id === 'string' && typeof parsed.title === 'string' && typeof parsed.kind === 'string' ? [{ type: 'step', step: parsed as unknown as BuilderStep }] : [];
    case 'result':
      return parsed && typeof parsed.draft === 'object' ? [{ type: 'result', result: parsed as unknown as GeneratedFlowResult }] : [];
    case 'error': {
      const e = parsed?.error as { code?: unknown; message?: unknown } | undefined;
      // The API answered (inside a 200 stream): a refused draft (422) or its own failure, never "unreachable".
      const code = typeof e?.code === 'string' ? e.code : 'internal';
      return [{ type: 'error', message: typeof e?.message === 'string' ? e.message : 'The draft failed; try again.', status: code === 'internal' ? 500 : 422, code }];
    }
    default:
      return [];
  }
}

export function setupBuilder(api: ApiClient) {
  browser.runtime.onConnect.addListener((port) => {
    if (port.name !== BUILDER_PORT) return;
    // The builder lives in the workspace: the extension's own pages only.
    if (senderKind(port.sender) !== 'extension-page') {
      port.disconnect();
      return;
    }
    const controller = new AbortController();
    port.onDisconnect.addListener(() => controller.abort());
    port.onMessage.addListener((msg: unknown) => {
      const post = (e: BuilderEvent) => {
        if (!controller.signal.aborted) port.postMessage(e);
      };
      const parsed = safeParse(builderRequest, msg);
      if (!parsed.success) {
        post({ type: 'error', message: `Flow builder: malformed request (${describeIssues(parsed.error)}).`, status: 400 });
        return;
      }
      void (async () => {
        try {
          const res = await api.stream({ method: 'POST', path: '/v1/flows/generate', body: parsed.data });
          if ((res.headers.get('Content-Type') ?? '').includes('text/event-stream') && res.body) {
            for await (const { event, data } of readSse(res.body)) for (const e of toBuilderEvents(event, data)) post(e);
          } else {
            for (const e of toBuilderEvents('result', await res.text())) post(e);
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
