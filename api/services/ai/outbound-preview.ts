// The outbound preview: exactly what a model or embedding call for a session would send, field by field, per provider.
import type { Tx } from '../../db/database.js';
import type { Deps } from '../../deps.js';
import { notFound } from '../../lib/errors.js';
import { previewAsk } from './ask.js';
import { loadSourceTexts } from './embeddings.js';
import { briefingPayload, loadBriefingInput } from './briefing.js';
import { replyContext, replyPayload } from './customer-reply.js';
import { recordPreviewOpened, type ModelPayload, type OutboundField, type Purpose } from './outbound.js';
import { redactorFor } from './privacy.js';
import { readPreferences } from '../settings.js';
import { previewSuggestion } from './suggest.js';
import { loadTicketMaterial } from './ticket-material.js';
import { summaryPayload } from './ticket-summary.js';
import type { LlmContent } from './types.js';

export interface ProviderPreview {
  provider: 'anthropic' | 'voyage';
  /** The model the call would use. */
  model: string | null;
  /** Whether the call would happen now (a key is configured and, for suggestions, the router picks a model). */
  willCall: boolean;
  /** When it is sent. */
  when: string;
  /** Instructions we wrote (not ticket data); null for embeddings. */
  system: string | null;
  /** The tool the model must answer through. */
  tool: string | null;
  /** Each piece of data sent, redacted exactly as it leaves; `untrusted` ones travel fenced as data. */
  fields: OutboundField[];
}

export interface OutboundPreview {
  purpose: Purpose;
  sessionId: string;
  providers: ProviderPreview[];
  /** The account requires this look before the first model call on a ticket. */
  requirePreview: boolean;
  /** This preview was recorded: model calls on this session are no longer held by requirePreview. */
  recorded: boolean;
}

type Tenant = <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>;

const MAX_EMBED_TEXT = 8000;

const fromPayload = (p: ModelPayload) => ({ system: p.system, tool: p.tool.name, fields: p.fields });

async function anthropicPreview(deps: Deps, tenant: Tenant, purpose: Exclude<Purpose, 'embed' | 'ask'>, sessionId: string, who: { accountId: string; userId: string }): Promise<ProviderPreview> {
  const prefs = await tenant(readPreferences);
  const redact = redactorFor(prefs);
  const willCall = !!deps.ai?.llm;
  if (purpose === 'suggest') {
    const s = await previewSuggestion({ sessionId, tenant });
    const blocks = (s.request?.messages[0]?.content ?? []) as LlmContent[];
    const names = ['Ticket and flow (cached prefix)', 'Session: status, timeline, facts, fix, question'];
    return {
      provider: 'anthropic',
      model: s.model,
      willCall: willCall && !!s.request,
      when: s.request ? `when the engineer asks for a suggestion (routed to the ${s.decision.tier} tier: ${s.decision.reasons.join('; ')})` : `not now: the router answers offline (${s.decision.reasons.join('; ')})`,
      system: s.request?.system.map((b) => b.text).join('\n') ?? null,
      tool: s.request?.tools?.[0]?.name ?? null,
      // The suggestion request is two blocks; ticket, timeline and fact text inside them is already fenced.
      fields: blocks.flatMap((b, i) => (b.type === 'text' ? [{ name: names[i] ?? `Block ${i + 1}`, value: b.text, untrusted: true }] : [])),
    };
  }
  if (purpose === 'summary') {
    const material = await loadTicketMaterial(deps, tenant, sessionId, deps.log);
    return { provider: 'anthropic', model: prefs.ai.fastModel, willCall, when: 'when the ticket summary is asked for and the ticket changed since the last one', ...fromPayload(summaryPayload(material, redact)) };
  }
  if (purpose === 'reply') {
    const ctx = await replyContext({ deps, who, sessionId, tenant });
    return { provider: 'anthropic', model: prefs.ai.fastModel, willCall, when: 'when the engineer asks for a customer reply draft', ...fromPayload(replyPayload(ctx, redact)) };
  }
  const input = await tenant((tx) => loadBriefingInput(tx, sessionId));
  return { provider: 'anthropic', model: prefs.ai.deepModel, willCall, when: 'when the engineer asks for an escalation briefing', ...fromPayload(briefingPayload(input, redact)) };
}

/** A question on the session: the model request with its earlier turns, and the question's embedding when Voyage is configured. */
async function askPreview(deps: Deps, tenant: Tenant, sessionId: string, who: { userId: string }, question: string): Promise<ProviderPreview[]> {
  const a = await previewAsk({ log: deps.log, userId: who.userId, tenant, sessionId, question });
  const turns = a.request?.messages ?? [];
  // Each earlier turn, then the context block (ticket, facts and sources, fenced inside) and the question.
  const fields = turns.flatMap((m, i) =>
    m.content.flatMap((b, j): OutboundField[] => {
      if (b.type !== 'text') return [];
      if (i < turns.length - 1) return [{ name: m.role === 'user' ? 'Earlier question' : 'Earlier answer', value: b.text, untrusted: false }];
      return [j === 0 ? { name: 'Ticket, session facts and sources', value: b.text, untrusted: true } : { name: 'Question', value: b.text, untrusted: false }];
    }),
  );
  const embedder = deps.ai?.embedder;
  return [
    {
      provider: 'anthropic',
      model: a.model,
      willCall: !!deps.ai?.llm && !!a.request,
      when: `when the engineer asks (${a.route.reasons.join('; ')})${embedder ? '; the sources are then found with Voyage too, so they can differ from this list' : ''}`,
      system: a.request?.system.map((b) => b.text).join('\n') ?? null,
      tool: null,
      fields,
    },
    {
      provider: 'voyage',
      model: embedder?.model ?? null,
      willCall: !!embedder,
      when: 'when the engineer asks: the question is embedded to find similar past work',
      system: null,
      tool: null,
      fields: [{ name: 'Query (input_type "query")', value: a.query, untrusted: true }],
    },
  ];
}

async function voyagePreview(deps: Deps, tenant: Tenant, sessionId: string): Promise<ProviderPreview> {
  const { text, resolved } = await tenant(async (tx) => {
    const prefs = await readPreferences(tx);
    const [row] = await tx<[{ status: string; ticket_summary: string | null; ticket_description: string | null; root_cause: string | null; resolution_note_markdown: string | null }?]>`
      select status, ticket_summary, ticket_description, root_cause, resolution_note_markdown from ai_sessions where id = ${sessionId}`;
    if (!row) throw notFound('Session');
    const redact = redactorFor(prefs);
    // The worker's own text for a resolved session; the same fields as they stand today otherwise.
    const stored = row.status === 'resolved' ? (await loadSourceTexts(tx, 'session', [sessionId])).get(sessionId) : undefined;
    const parts = [row.ticket_summary, row.root_cause, row.ticket_description, row.resolution_note_markdown].filter(Boolean).join('\n');
    return { text: redact(stored ?? parts).slice(0, MAX_EMBED_TEXT), resolved: row.status === 'resolved' };
  });
  const embedder = deps.ai?.embedder;
  return {
    provider: 'voyage',
    model: embedder?.model ?? null,
    willCall: !!embedder,
    when: resolved ? 'by the background worker, now that the session is resolved' : 'by the background worker once the session is resolved (summary, root cause, description, resolution note)',
    system: null,
    tool: null,
    fields: text ? [{ name: 'Document (input_type "document")', value: text, untrusted: true }] : [],
  };
}

/** Builds the preview (no transaction held across ConnectWise calls) and records that it was opened. */
export async function outboundPreview(
  deps: Deps,
  tenant: Tenant,
  who: { accountId: string; userId: string },
  sessionId: string,
  purpose: Purpose,
  opts: { question?: string } = {},
): Promise<OutboundPreview> {
  const providers =
    purpose === 'ask'
      ? await askPreview(deps, tenant, sessionId, who, opts.question ?? '')
      : [purpose === 'embed' ? await voyagePreview(deps, tenant, sessionId) : await anthropicPreview(deps, tenant, purpose, sessionId, who)];
  const requirePreview = await tenant(async (tx) => {
    await recordPreviewOpened(tx, who.accountId, sessionId, purpose, who.userId);
    return (await readPreferences(tx)).privacy.requirePreview;
  });
  return { purpose, sessionId, providers, requirePreview, recorded: true };
}
