// Ask: a conversation with the copilot (per session, or standalone) answered in prose from retrieved
// sources with [n] citations — by a model when one is configured, otherwise extractively offline.
import type { Tx } from '../../db/database.js';
import { notFound } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';
import type { Tier } from '../copilot/types.js';
import { activeFacts, getSession, ticketOf, type SessionRow, type TicketRef } from '../sessions/index.js';
import { readPreferences, type Preferences } from '../settings.js';
import { DATA_RULE, fenceData } from './fence.js';
import { assertPreviewed } from './outbound.js';
import { redactorFor, type Redact } from './privacy.js';
import { trimText } from './prompt.js';
import { publicSource, retrieve, type AskSource, type Retrieval, type RetrievedSource } from './retrieval.js';
import { LlmError, type Embedder, type LlmMessage, type LlmProvider, type LlmRequest, type LlmUsage } from './types.js';
import { addUsage, chatProvider, recordUsage, zeroUsage } from './usage.js';

export type { AskSource } from './retrieval.js';

/** The SSE event names of an Ask stream, in the order they can come: sources, delta…, (reset, delta…), done | error. */
export const ASK_EVENTS = ['sources', 'delta', 'reset', 'done', 'error'] as const;
export type AskEventName = (typeof ASK_EVENTS)[number];

export interface AskTurn {
  id: string;
  role: 'user' | 'assistant';
  text: string;
  /** On answers: every source the answer was given; `cited` says whether the text cites it as [n]. */
  sources: (AskSource & { cited: boolean })[];
  tier: Tier | null;
  model: string | null;
  createdAt: string;
}

export interface AskResult {
  conversationId: string;
  sessionId: string | null;
  question: AskTurn;
  answer: AskTurn;
  retrieval: { mode: Retrieval['mode']; reason: Retrieval['reason'] };
  routing: { tier: Tier; reasons: string[]; fallbackReason: string | null };
  usage: LlmUsage & { latencyMs: number };
}

/** One event of an Ask stream; `event` is the SSE event name, `data` its JSON payload. */
export type AskEvent =
  | { event: 'sources'; data: { sources: AskSource[]; mode: Retrieval['mode'] } }
  | { event: 'delta'; data: { text: string } }
  /** Discard the text streamed so far (the model failed half-way); the offline answer follows as deltas. */
  | { event: 'reset'; data: { reason: string } }
  | { event: 'done'; data: AskResult }
  | { event: 'error'; data: { code: string; message: string } };

export interface AskParams {
  llm?: LlmProvider;
  embedder?: Embedder;
  log: Logger;
  accountId: string;
  userId: string;
  /** Runs work in the request's tenant transaction (withTenant in route code). */
  tenant: <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>;
  /** A session's conversation, or a standalone one (a new one when conversationId is absent). */
  target: { sessionId: string } | { conversationId?: string };
  question: string;
  requestedTier?: Tier;
  signal?: AbortSignal;
  onEvent?: (e: AskEvent) => void;
  timeouts?: { fast: number; deep: number };
}

const DEFAULT_TIMEOUTS = { fast: 20_000, deep: 45_000 };
/** Earlier turns sent back to the model (the newest), each trimmed. */
const HISTORY_TURNS = 6;

interface StoredTurn {
  id: string;
  role: 'user' | 'assistant';
  text: string;
  sources: AskTurn['sources'];
  tier: Tier | null;
  model: string | null;
  created_at: Date;
}

export const turnView = (t: StoredTurn): AskTurn => ({ id: t.id, role: t.role, text: t.text, sources: t.sources, tier: t.tier, model: t.model, createdAt: t.created_at.toISOString() });

export async function conversationTurns(tx: Tx, conversationId: string): Promise<AskTurn[]> {
  const rows = await tx<StoredTurn[]>`select id, role, text, sources, tier, model, created_at from ask_turns where conversation_id = ${conversationId} order by created_at, role desc, id`;
  return rows.map(turnView);
}

/** The session's conversation id, or null before its first question. */
export async function sessionConversationId(tx: Tx, sessionId: string): Promise<string | null> {
  await getSession(tx, sessionId);
  const [row] = await tx<[{ id: string }?]>`select id from ask_conversations where session_id = ${sessionId}`;
  return row?.id ?? null;
}

/** A standalone conversation of this user (another user's, or a session's, is a 404). */
export async function standaloneConversation(tx: Tx, id: string, userId: string) {
  const [row] = await tx<[{ id: string; title: string; created_at: Date; updated_at: Date }?]>`
    select id, title, created_at, updated_at from ask_conversations where id = ${id} and session_id is null and user_id = ${userId}`;
  if (!row) throw notFound('Conversation');
  return row;
}

export async function listStandaloneConversations(tx: Tx, userId: string, limit: number) {
  const rows = await tx<{ id: string; title: string; created_at: Date; updated_at: Date; turns: number }[]>`
    select c.id, c.title, c.created_at, c.updated_at, (select count(*)::int from ask_turns t where t.conversation_id = c.id) as turns
    from ask_conversations c where c.session_id is null and c.user_id = ${userId}
    order by c.updated_at desc, c.id limit ${limit}`;
  return rows.map((r) => ({ id: r.id, title: r.title, turns: r.turns, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString() }));
}

// ---- the offline answer -----------------------------------------------------------------------------

const STOP = new Set(
  ('a an and are as at be but by can could do does did for from has have how i if in is it its me my of on or our should so the their them then there this to was we what when where which who why will with would you your ' +
    'please help need know tell get got any some about after again also just still keep keeps try tried')
    .split(' '),
);

/** Content words, crudely stemmed, so "printing" meets "printer" only where it should and "passwords" meets "password". */
export function termsOf(text: string): Set<string> {
  const words = text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}.-]*[\p{L}\p{N}]|[\p{L}\p{N}]/gu) ?? [];
  return new Set(words.filter((w) => w.length >= 3 && !STOP.has(w)).map((w) => (w.length > 5 ? w.replace(/(ing|ed|es|s)$/, '') : w.replace(/s$/, ''))));
}

const overlap = (a: Set<string>, b: Set<string>) => [...a].filter((w) => b.has(w)).length;

function sentenceFor(s: RetrievedSource): string {
  const extra = s.detail.extra.length ? ` ${s.detail.extra.join(' ')}` : '';
  switch (s.kind) {
    case 'session':
      return `The past ticket ${s.title} was ${s.detail.lead} [${s.n}].${extra}`;
    case 'flow':
      return `The flow “${s.title}” covers this: ${s.detail.lead.replace(/[.\s]+$/, '')} [${s.n}].${extra}`;
    case 'script':
      return `The script “${s.title}” ${s.detail.lead.startsWith('runs') ? s.detail.lead : `does this: ${s.detail.lead.replace(/[.\s]+$/, '')}`} [${s.n}].${extra}`;
    case 'memory':
      return `Client memory: ${s.detail.lead.replace(/[.\s]+$/, '')} [${s.n}].${extra}`;
  }
}

export interface AskContext {
  ticket: TicketRef | null;
  facts: string[];
}

/**
 * The offline answer: the sources that share words with the question (`focus`: the question, with the
 * ticket's summary when the question names no subject of its own), best first, at most four,
 * each as a cited sentence from its own text, then the session's facts that bear on it. When nothing
 * matches it says so and names what would help — it never answers a different question.
 */
export function offlineAnswer(question: string, ctx: AskContext, sources: RetrievedSource[], redact: Redact, focus = question): string {
  const q = termsOf(focus);
  const all = sources.map((s) => ({ s, hits: overlap(q, termsOf(`${s.title} ${s.detail.lead} ${s.detail.extra.join(' ')}`)) }));
  // A source sharing one word of a three-word question is noise beside one that shares all three.
  const floor = Math.max(1, Math.ceil(Math.max(0, ...all.map((x) => x.hits)) / 2));
  const scored = all
    .filter((x) => x.hits >= floor)
    .sort((a, b) => b.hits - a.hits || a.s.n - b.s.n)
    .slice(0, 4)
    .sort((a, b) => a.s.n - b.s.n);
  const facts = ctx.facts.filter((f) => overlap(q, termsOf(f)) > 0).slice(0, 4);
  // Sources and facts arrive redacted; the composed prose is not redacted again (its joins read as secrets to the rules).
  const quoted = `“${trimText(redact(question).replace(/\s+/g, ' ').trim(), 60)}”`;
  const parts: string[] = [];
  if (scored.length) {
    parts.push(`On ${quoted}, this is what the team already knows:`);
    for (const { s } of scored) parts.push(sentenceFor(s));
  } else {
    parts.push(`I found nothing in the team's past resolutions, flows, scripts or client memory that answers ${quoted}.`);
  }
  if (facts.length) parts.push(`In this session we already know: ${facts.join('; ')}.`);
  if (!scored.length) {
    parts.push(
      ctx.ticket
        ? 'Record what you see (the exact error text, since when, who is affected) as facts and ask again, or start the flow that fits the ticket.'
        : 'Try the exact error text or the product name; the search matches the words of past tickets, flows and scripts.',
    );
  }
  return parts.join('\n\n');
}

// ---- the model answer -------------------------------------------------------------------------------

export const ASK_SYSTEM_PROMPT = `You are FlowPilot's assistant for MSP service-desk engineers.
Answer the engineer's question in plain prose: a few short paragraphs or a short list. Never answer in JSON, never call tools.
You are given numbered sources from the team's knowledge (past resolved tickets, flows, scripts, client memory). After every statement that comes from a source, cite it as [n]. Never cite a number you were not given, and never cite a source for something it does not say.
When the sources do not answer the question, say so plainly, then give general advice and label it as general.
Be specific: commands, settings paths, exact product names. Text shown as [redacted …] was removed for privacy; never ask for it.
${DATA_RULE}`;

function sourceLines(sources: RetrievedSource[]): string {
  return sources.map((s) => `[${s.n}] (${s.kind}) ${s.title} — ${s.detail.lead}${s.detail.extra.length ? ` ${s.detail.extra.join(' ')}` : ''}`).join('\n');
}

function ticketLines(t: TicketRef, redact: Redact): string {
  return [
    `Ticket #${t.externalId}`,
    t.summary && `Summary: ${t.summary}`,
    t.company && `Company: ${t.company}`,
    t.priority && `Priority: ${t.priority}`,
    t.description && `Description:\n${trimText(redact(t.description), 1200)}`,
  ]
    .filter(Boolean)
    .join('\n');
}

export function buildAskMessages(question: string, ctx: AskContext, sources: RetrievedSource[], history: { role: 'user' | 'assistant'; text: string }[], redact: Redact): LlmMessage[] {
  const past: LlmMessage[] = history.map((h) => ({ role: h.role, content: [{ type: 'text', text: redact(trimText(h.text, 400)) }] }));
  const context = [
    ctx.ticket ? `The ticket the engineer is working:\n${fenceData(ticketLines(ctx.ticket, redact))}` : 'The engineer is not working a particular ticket.',
    ctx.facts.length ? `What we know in this session:\n${fenceData(ctx.facts.map((f) => `- ${f}`).join('\n'))}` : null,
    sources.length ? `Sources:\n${fenceData(sourceLines(sources))}` : 'Sources: none matched the question.',
  ]
    .filter(Boolean)
    .join('\n\n');
  return [
    ...past,
    {
      role: 'user',
      content: [
        { type: 'text', text: redact(context) },
        { type: 'text', text: `The engineer asks: ${redact(question)}` },
      ],
    },
  ];
}

/** JSON, or a fenced JSON block, where prose was asked for. */
const looksLikeJson = (text: string) => /^\s*(\{|\[\s*[{"]|```\s*(json)?\s*[{[])/i.test(text);

/**
 * Streams model text to the client unless it opens like JSON or a fenced JSON block (a model that
 * ignored "prose"): the first few visible characters are held until that is decided.
 */
export function proseGuard(emit: (text: string) => void) {
  let held = '';
  let decided: 'prose' | 'json' | null = null;
  const decide = (v: string) => {
    decided = looksLikeJson(v) ? 'json' : 'prose';
    if (decided === 'prose') emit(held);
  };
  return {
    push(text: string) {
      if (decided === 'prose') return emit(text);
      if (decided === 'json') return;
      held += text;
      const visible = held.trimStart();
      if (visible && (!'{[`'.includes(visible[0]!) || visible.length >= 8)) decide(visible);
    },
    /** The stream ended: a short answer still held is decided now. */
    flush() {
      if (decided === null && held.trim()) decide(held.trimStart());
    },
    /** False when the model's text was withheld as JSON. */
    get isProse() {
      return decided !== 'json';
    },
    /** True once any text reached the client. */
    get emitted() {
      return decided === 'prose';
    },
  };
}

const citedNumbers = (text: string) => new Set([...text.matchAll(/\[(\d{1,2})\]/g)].map((m) => Number(m[1])));

// ---- the pipeline -------------------------------------------------------------------------------------

interface Gathered {
  session: SessionRow | null;
  conversationId: string | null;
  history: { role: 'user' | 'assistant'; text: string }[];
  facts: string[];
  redact: Redact;
  fastModel: string;
  deepModel: string;
  prefs: Preferences;
}

async function gather(tx: Tx, p: Pick<AskParams, 'target' | 'userId'>): Promise<Gathered> {
  const prefs = await readPreferences(tx);
  let session: SessionRow | null = null;
  let conversationId: string | null = null;
  let facts: string[] = [];
  if ('sessionId' in p.target) {
    session = await getSession(tx, p.target.sessionId);
    facts = (await activeFacts(tx, session.id)).map((f) => f.text);
    conversationId = await sessionConversationId(tx, session.id);
  } else if (p.target.conversationId) {
    conversationId = (await standaloneConversation(tx, p.target.conversationId, p.userId)).id;
  }
  const history = conversationId
    ? (
        await tx<{ role: 'user' | 'assistant'; text: string }[]>`
          select role, text from (select role, text, created_at, id from ask_turns where conversation_id = ${conversationId}
                                   order by created_at desc, role, id desc limit ${HISTORY_TURNS}) t
          order by created_at, role desc, id`
      )
    : [];
  // The model API wants the conversation to start with a question.
  while (history[0]?.role === 'assistant') history.shift();
  const redact = redactorFor(prefs);
  return { session, conversationId, history, facts: facts.map(redact), redact, fastModel: prefs.ai.fastModel, deepModel: prefs.ai.deepModel, prefs };
}

/** The model request of one question: the real call and the outbound preview both build it here. */
function askRequest(model: string, tier: Tier, question: string, ctx: AskContext, sources: RetrievedSource[], g: Pick<Gathered, 'history' | 'redact'>): LlmRequest {
  return {
    model,
    system: [{ text: ASK_SYSTEM_PROMPT, cache: true }],
    messages: buildAskMessages(question, ctx, sources, g.history, g.redact),
    maxTokens: tier === 'deep' ? 1500 : 700,
    temperature: 0.2,
  };
}

/** "What should I try next?" names nothing to search for: the ticket's summary stands in for the subject. */
const focusOf = (question: string, ticket: TicketRef | null) => (termsOf(question).size <= 1 && ticket?.summary ? `${question} ${ticket.summary}` : question);

function chooseTier(modelAvailable: boolean, requestedTier: Tier | undefined): { tier: Tier; reasons: string[] } {
  if (!modelAvailable) return { tier: 'offline', reasons: ['no model key is configured'] };
  if (requestedTier) return { tier: requestedTier, reasons: [`the engineer asked for ${requestedTier}`] };
  return { tier: 'fast', reasons: ['questions go to the fast model; "think harder" asks the deep one'] };
}

/**
 * Answers one question: gathers the conversation (one short transaction), retrieves sources (another),
 * asks the model with no transaction held (or answers offline, and falls back to offline on any model
 * failure), then stores the question, the answer and its usage together.
 */
export async function ask(p: AskParams): Promise<AskResult> {
  const started = performance.now();
  const g = await p.tenant((tx) => gather(tx, p));
  const route = chooseTier(!!p.llm, p.requestedTier);
  // With privacy.requirePreview, neither the question's embedding nor the model call leaves before an engineer has looked.
  if (g.session && (route.tier !== 'offline' || p.embedder)) await p.tenant((tx) => assertPreviewed(tx, g.prefs, g.session!.id, 'ask'));
  const ticket = g.session ? ticketOf(g.session) : null;
  const focus = focusOf(p.question, ticket);
  const retrieval = await retrieve({ embedder: p.embedder, log: p.log }, p.tenant, focus, g.redact, {
    company: g.session?.ticket_company,
    excludeSessionId: g.session?.id,
  });
  p.onEvent?.({ event: 'sources', data: { sources: retrieval.sources.map(publicSource), mode: retrieval.mode } });

  const ctx: AskContext = { ticket, facts: g.facts };
  let usage = zeroUsage();
  let attempts = 0;
  let model: string | null = null;
  let outcome: 'ok' | 'fallback' | 'aborted' = 'ok';
  let fallbackReason: string | null = null;
  let text: string | null = null;
  let servedTier: Tier = 'offline';

  if (route.tier !== 'offline' && p.llm) {
    const tier = route.tier;
    model = tier === 'deep' ? g.deepModel : g.fastModel;
    const perAttempt = (p.timeouts ?? DEFAULT_TIMEOUTS)[tier];
    const deadline = AbortSignal.timeout(perAttempt * 2);
    const signal = p.signal ? AbortSignal.any([p.signal, deadline]) : deadline;
    let streamed = '';
    const guard = proseGuard((t) => {
      streamed += t;
      p.onEvent?.({ event: 'delta', data: { text: t } });
    });
    try {
      const res = await p.llm.complete(
        askRequest(model, tier, p.question, ctx, retrieval.sources, g),
        { signal, timeoutMs: perAttempt, onEvent: p.onEvent ? (e) => e.type === 'text' && guard.push(e.text) : undefined },
      );
      usage = addUsage(usage, res.usage);
      attempts += res.attempts;
      model = res.model || model;
      // The SDK ends an aborted stream quietly: what came back is a truncated answer, not a finished one.
      if (signal.aborted || res.stopReason === null) throw new LlmError(p.signal?.aborted ? 'aborted' : 'timeout', 'The model did not finish its answer within the deadline.', undefined, 0);
      guard.flush();
      const answer = res.text.trim();
      if (!answer) fallbackReason = 'invalid_output: the model answered with no text';
      else if (looksLikeJson(answer) || !guard.isProse) fallbackReason = 'invalid_output: the model answered in JSON, not prose';
      else {
        text = answer;
        servedTier = tier;
        // A retried attempt streams from the start again: the client then gets the answer once, whole.
        if (p.onEvent && streamed.trim() !== answer) {
          p.onEvent({ event: 'reset', data: { reason: 'the model was asked again' } });
          p.onEvent({ event: 'delta', data: { text: answer } });
        }
      }
      if (fallbackReason) outcome = 'fallback';
    } catch (err) {
      let e = err instanceof LlmError ? err : new LlmError('network', err instanceof Error ? err.message : String(err));
      if (e.kind === 'aborted' && !p.signal?.aborted) e = new LlmError('timeout', 'The model did not answer within the deadline.', undefined, e.attempts);
      attempts += e.attempts;
      outcome = e.kind === 'aborted' ? 'aborted' : 'fallback';
      fallbackReason = `${e.kind}: ${e.message}`.slice(0, 300);
      p.log.warn('ask fell back to offline', { kind: e.kind, status: e.status, attempts: e.attempts });
    }
    if (text === null && guard.emitted) p.onEvent?.({ event: 'reset', data: { reason: fallbackReason ?? 'the model failed' } });
  }
  if (text === null) {
    text = offlineAnswer(p.question, ctx, retrieval.sources, g.redact, focus);
    p.onEvent?.({ event: 'delta', data: { text } });
  }

  const cited = citedNumbers(text);
  const sources = retrieval.sources.map((s) => ({ ...publicSource(s), cited: cited.has(s.n) }));
  const latencyMs = performance.now() - started;
  const answerText = text;
  const stored = await p.tenant(async (tx) => {
    const conversationId = await saveConversation(tx, p, g);
    const [q] = await tx<[StoredTurn]>`
      insert into ask_turns (account_id, conversation_id, role, text, created_by)
      values (${p.accountId}, ${conversationId}, 'user', ${g.redact(p.question)}, ${p.userId})
      returning id, role, text, sources, tier, model, created_at`;
    const [a] = await tx<[StoredTurn]>`
      insert into ask_turns (account_id, conversation_id, role, text, sources, tier, model, created_by)
      values (${p.accountId}, ${conversationId}, 'assistant', ${answerText}, ${tx.json(sources as never)}, ${servedTier},
              ${servedTier === 'offline' ? null : model}, ${p.userId})
      returning id, role, text, sources, tier, model, created_at`;
    await recordUsage(tx, {
      accountId: p.accountId,
      userId: p.userId,
      sessionId: g.session?.id ?? null,
      feature: 'ask',
      tier: servedTier,
      routedTier: route.tier,
      ...chatProvider(route.tier, model),
      outcome,
      fallbackReason,
      usage,
      attempts,
      latencyMs,
    });
    return { conversationId, q: turnView(q), a: turnView(a) };
  });
  return {
    conversationId: stored.conversationId,
    sessionId: g.session?.id ?? null,
    question: stored.q,
    answer: stored.a,
    retrieval: { mode: retrieval.mode, reason: retrieval.reason },
    routing: { tier: route.tier, reasons: route.reasons, fallbackReason },
    usage: { ...usage, latencyMs: Math.round(latencyMs) },
  };
}

async function saveConversation(tx: Tx, p: AskParams, g: Gathered): Promise<string> {
  if (g.session) {
    const [row] = await tx<[{ id: string }]>`
      insert into ask_conversations (account_id, session_id, user_id, title)
      values (${p.accountId}, ${g.session.id}, ${p.userId}, ${g.redact(g.session.ticket_summary ?? `#${g.session.ticket_external_id}`).slice(0, 200)})
      on conflict (session_id) where session_id is not null do update set updated_at = now()
      returning id`;
    return row.id;
  }
  if (g.conversationId) {
    await tx`update ask_conversations set updated_at = now() where id = ${g.conversationId}`;
    return g.conversationId;
  }
  const [row] = await tx<[{ id: string }]>`
    insert into ask_conversations (account_id, user_id, title) values (${p.accountId}, ${p.userId}, ${g.redact(p.question).slice(0, 120)}) returning id`;
  return row.id;
}

/**
 * What a question on this session would send (the outbound preview), built by the same code as the
 * call. Sources are found by words only here: embedding the question would itself send it to Voyage.
 */
export async function previewAsk(p: Pick<AskParams, 'log' | 'userId' | 'tenant' | 'requestedTier' | 'question'> & { sessionId: string }) {
  const g = await p.tenant((tx) => gather(tx, { target: { sessionId: p.sessionId }, userId: p.userId }));
  const ticket = g.session ? ticketOf(g.session) : null;
  const focus = focusOf(p.question, ticket);
  const retrieval = await retrieve({ log: p.log }, p.tenant, focus, g.redact, { company: g.session?.ticket_company, excludeSessionId: g.session?.id });
  // Routed as if a model were configured, so the preview shows what a key would send.
  const route = chooseTier(true, p.requestedTier);
  const model = route.tier === 'deep' ? g.deepModel : g.fastModel;
  const request = route.tier === 'offline' ? null : askRequest(model, route.tier, p.question, { ticket, facts: g.facts }, retrieval.sources, g);
  return { route, model: request ? model : null, request, query: g.redact(focus) };
}
