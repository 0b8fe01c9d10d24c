// "Ask FlowPilot": streams the copilot's proposal from the API to a panel over a runtime port.
import { browser } from 'wxt/browser';
import type { ApiClient } from './api-client';
import { toCallError } from './api-client';
import type { AskDone, Proposal } from '../common/api-types';
import { ASK_PORT, type AskEvent, type AskRequest } from '../common/protocol';
import { askRequest, describeIssues, safeParse } from './schemas';
import { senderKind } from './senders';
import type { AskDelta, AskFailure, AskStreamEvent } from '../../../shared/ask';


/** Parses an SSE body into (event, data) pairs. */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<{ event: string; data: string }> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (value) buffer += decoder.decode(value, { stream: true });
    let idx: number;
    while ((idx = buffer.search(/\r?\n\r?\n/)) >= 0) {
      const block = buffer.slice(0, idx);
      buffer = buffer.slice(idx).replace(/^\r?\n\r?\n/, '');
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length) yield { event, data: data.join('\n') };
    }
    if (done) return;
  }
}

function isProposal(v: unknown): v is Proposal {
  return typeof v === 'object' && v !== null && 'tier' in v;
}

function parseJson(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

/**
 * Turns one event of the suggest stream (shared/ask.ts names them) into panel events: deltas, the
 * suggestion and a failure reach the panel; routing, repair and fallback are the API's bookkeeping.
 */
export function toAskEvents(event: string, data: string): AskEvent[] {
  const parsed = parseJson(data);
  switch (event as AskStreamEvent) {
    case 'delta': {
      const text = (parsed as Partial<AskDelta> | undefined)?.text;
      return typeof text === 'string' ? [{ type: 'delta', text }] : [];
    }
    case 'suggestion':
      return isProposal(parsed) ? [{ type: 'proposal', proposal: parsed }] : [];
    case 'failed': {
      const { message, code } = (parsed as Partial<AskFailure> | undefined) ?? {};
      return [{ type: 'error', message: typeof message === 'string' ? message : data, status: 0, ...(typeof code === 'string' ? { code } : {}) }];
    }
    default:
      return [];
  }
}

/** Turns one event of a conversation's Ask stream (api/services/ai/ask.ts names them) into panel events. */
export function toConversationEvents(event: string, data: string): AskEvent[] {
  const parsed = parseJson(data) as Record<string, unknown> | undefined;
  switch (event) {
    case 'sources':
      return Array.isArray(parsed?.sources) ? [{ type: 'sources', sources: parsed.sources as AskDone['answer']['sources'] }] : [];
    case 'delta':
      return typeof parsed?.text === 'string' ? [{ type: 'delta', text: parsed.text }] : [];
    case 'reset':
      return [{ type: 'reset' }];
    case 'done': {
      const done = parsed as AskDone | undefined;
      return done?.answer && done.question ? [{ type: 'answer', question: done.question, answer: done.answer }] : [];
    }
    case 'error':
      return [
        {
          type: 'error',
          message: typeof parsed?.message === 'string' ? parsed.message : 'The answer failed; try again.',
          status: 0,
          ...(typeof parsed?.code === 'string' ? { code: parsed.code } : {}),
        },
      ];
    default:
      return [];
  }
}

export function setupAsk(api: ApiClient) {
  browser.runtime.onConnect.addListener((port) => {
    if (port.name !== ASK_PORT) return;
    // The panel asks from a content script, a page of ours may too; nothing else does.
    if (!senderKind(port.sender)) {
      port.disconnect();
      return;
    }
    const controller = new AbortController();
    port.onDisconnect.addListener(() => controller.abort());
    port.onMessage.addListener((msg: unknown) => {
      const post = (e: AskEvent) => {
        if (!controller.signal.aborted) port.postMessage(e);
      };
      const parsed = safeParse(askRequest, msg);
      if (!parsed.success) {
        post({ type: 'error', message: `Ask: malformed request (${describeIssues(parsed.error)}).`, status: 400 });
        return;
      }
      const req: AskRequest = parsed.data;
      void (async () => {
        try {
          const sid = encodeURIComponent(req.sessionId);
          const res = await api.stream(
            req.conversation
              ? { method: 'POST', path: `/v1/sessions/${sid}/ask`, body: { question: req.question ?? '' } }
              : { method: 'POST', path: `/v1/sessions/${sid}/suggest`, body: req.question ? { question: req.question } : {} },
          );
          const toEvents = req.conversation ? toConversationEvents : toAskEvents;
          if ((res.headers.get('Content-Type') ?? '').includes('text/event-stream') && res.body) {
            for await (const { event, data } of readSse(res.body)) for (const e of toEvents(event, data)) post(e);
          } else {
            const body = (await res.json()) as unknown;
            if (isProposal(body)) post({ type: 'proposal', proposal: body });
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
