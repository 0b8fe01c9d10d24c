// The standalone assistant: streams an answer to a question not tied to a ticket, from the API to the popup or
// the workspace over a runtime port (POST /v1/assistant/ask as SSE).
import type { ApiClient } from './api-client';
import type { AskDone } from '../common/api-types';
import { ASSISTANT_PORT, type AssistantEvent } from '../common/protocol';
import { toConversationEvents } from './ask';
import { servePageStream } from './page-stream';
import { assistantRequest } from './schemas';

/** The conversation events of the stream, with the conversation the `done` answer was stored in ahead of it. */
export function toAssistantEvents(event: string, data: string): AssistantEvent[] {
  const events: AssistantEvent[] = toConversationEvents(event, data);
  if (event !== 'done' || !events.length) return events;
  const conversationId = (JSON.parse(data) as AskDone).conversationId;
  return typeof conversationId === 'string' ? [{ type: 'conversation', conversationId }, ...events] : events;
}

export function setupAssistant(api: ApiClient) {
  servePageStream(api, { port: ASSISTANT_PORT, label: 'Assistant', request: assistantRequest, path: '/v1/assistant/ask', toEvents: toAssistantEvents, plainEvent: 'done' });
}
