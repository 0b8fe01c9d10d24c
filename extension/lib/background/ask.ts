// "Ask FlowPilot": streams the copilot's proposal from the API to a panel over a runtime port.
import { browser } from 'wxt/browser';
import type { ApiClient } from '../api-client';
import { toCallError } from '../api-client';
import type { Proposal } from '../api-types';
import { ASK_PORT, type AskEvent, type AskRequest } from '../protocol';
import { askRequest, describeIssues, safeParse } from './schemas';
import { senderKind } from './senders';


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

/** Turns one SSE event of the suggest stream into panel events (tolerant of the exact event names). */
export function toAskEvents(event: string, data: string): AskEvent[] {
  let parsed: unknown = data;
  try {
    parsed = JSON.parse(data);
  } catch {
    // plain text delta
  }
  if (event === 'error' || event === 'failed') {
    const message = typeof parsed === 'object' && parsed && 'message' in parsed ? String((parsed as { message: unknown }).message) : String(data);
    return [{ type: 'error', message, status: 0 }];
  }
  if (isProposal(parsed)) return [{ type: 'proposal', proposal: parsed }];
  if (typeof parsed === 'object' && parsed !== null) {
    const o = parsed as Record<string, unknown>;
    if (isProposal(o.proposal)) return [{ type: 'proposal', proposal: o.proposal }];
    const text = o.text ?? o.delta ?? o.content;
    if (typeof text === 'string') return [{ type: 'delta', text }];
    return [];
  }
  if (event === 'done' || data === '[DONE]') return [];
  return [{ type: 'delta', text: String(parsed) }];
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
          const res = await api.stream({
            method: 'POST',
            path: `/v1/sessions/${encodeURIComponent(req.sessionId)}/suggest`,
            body: req.question ? { question: req.question } : {},
          });
          if ((res.headers.get('Content-Type') ?? '').includes('text/event-stream') && res.body) {
            for await (const { event, data } of readSse(res.body)) for (const e of toAskEvents(event, data)) post(e);
          } else {
            const body = (await res.json()) as unknown;
            const proposal = isProposal(body) ? body : (body as { proposal?: Proposal }).proposal;
            if (proposal) post({ type: 'proposal', proposal });
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
