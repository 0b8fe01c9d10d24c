// The standalone assistant: streams an answer to a question not tied to a ticket, from the API to the popup or
// the workspace over a runtime port (POST /v1/assistant/ask as SSE).
import { browser } from 'wxt/browser';
import type { ApiClient } from './api-client';
import { toCallError } from './api-client';
import type { AskDone } from '../common/api-types';
import { ASSISTANT_PORT, type AssistantEvent } from '../common/protocol';
import { readSse, toConversationEvents } from './ask';
import { assistantRequest, describeIssues, safeParse } from './schemas';
import { senderKind } from './senders';

/** The conversation events of the stream, with the conversation the `done` answer was stored in ahead of it. */
export function toAssistantEvents(event: string, data: string): AssistantEvent[] {
  const events: AssistantEvent[] = toConversationEvents(event, data);
  if (event !== 'done' || !events.length) return events;
  const conversationId = (JSON.parse(data) as AskDone).conversationId;
  return typeof conversationId === 'string' ? [{ type: 'conversation', conversationId }, ...events] : events;
}

export function setupAssistant(api: ApiClient) {
  browser.runtime.onConnect.addListener((port) => {
    if (port.name !== ASSISTANT_PORT) return;
    // The assistant is account-level, like the rest of the workspace: the extension's own pages only.
    if (senderKind(port.sender) !== 'extension-page') {
      port.disconnect();
      return;
    }
    const controller = new AbortController();
    port.onDisconnect.addListener(() => controller.abort());
    port.onMessage.addListener((msg: unknown) => {
      const post = (e: AssistantEvent) => {
        if (!controller.signal.aborted) port.postMessage(e);
      };
      const parsed = safeParse(assistantRequest, msg);
      if (!parsed.success) {
        post({ type: 'error', message: `Assistant: malformed request (${describeIssues(parsed.error)}).`, status: 400 });
        return;
      }
      void (async () => {
        try {
          const res = await api.stream({ method: 'POST', path: '/v1/assistant/ask', body: parsed.data });
          if ((res.headers.get('Content-Type') ?? '').includes('text/event-stream') && res.body) {
            for await (const { event, data } of readSse(res.body)) for (const e of toAssistantEvents(event, data)) post(e);
          } else {
            for (const e of toAssistantEvents('done', await res.text())) post(e);
          }
          post({ type: 'done' });
        } catch (err) {
          const e = toCallError(err);
          post({ type: 'error', message: e.message, status: e.status });
        }
      })();
    });
  });
}
