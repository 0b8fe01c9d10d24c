// The copilot evaluation: seeds the ticket set as resolved sessions into a real database, then scores the offline
// copilot (always), the router and the models (when keys are set) and similar-resolution search. Used by
// `npm run eval` (eval/run.ts) and, on a slice, by eval/eval.test.ts.
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createApp } from '../api/app.js';
import { buildDeps } from '../api/bootstrap.js';
import { loadConfig } from '../api/config.js';
import { openAppDatabase, poolOptionsFrom, type Database, type Tx } from '../api/db/database.js';
import { startInstance } from '../api/db/instances.js';
import { createLogger } from '../api/lib/log.js';
import { createAnthropicProvider } from '../api/services/ai/anthropic.js';
import { drainEmbeddingJobs } from '../api/services/ai/embeddings.js';
import { embedQuery, hybridRank } from '../api/services/ai/hybrid.js';
import { redactorFor } from '../api/services/ai/privacy.js';
import { TIER_THRESHOLDS, tierFor, type TierThresholds } from '../api/services/ai/router.js';
import { buildAiProviders } from '../api/services/ai/providers.js';
import type { AiProviders, Embedder } from '../api/services/ai/types.js';
import { fullTextSearch } from '../api/services/search.js';
import { readPreferences } from '../api/services/settings.js';
import { startAnthropicFake, type AnthropicFake } from '../api/test/fakes/anthropic.js';
import { testConfigEnv } from '../api/test/secret.js';

export interface EvalTicket {
  id: string;
  category: string;
  company: string;
  priority?: string;
  summary: string;
  description: string;
  expect: { facts: string[]; tier: 'offline' | 'fast' | 'deep'; secret?: string };
  resolved: { rootCause: string; fix: { title: string; body: string } };
}

export interface EvalSet {
  categories: Record<string, { flow: string | null; fix: string[] }>;
  tickets: EvalTicket[];
}

export function loadEvalSet(file = new URL('./tickets.json', import.meta.url)): EvalSet {
  const set = JSON.parse(readFileSync(file, 'utf8')) as EvalSet;
  for (const t of set.tickets) if (!set.categories[t.category]) throw new Error(`${t.id}: unknown category ${t.category}`);
  return set;
}

/** One ticket's scores; null where the measure does not apply (no expected facts, no secret, no flow for the category). */
export interface TicketScore {
  id: string;
  category: string;
  route: boolean | null;
  routedTier: string | null;
  /** The tier the ticket expects (an experienced dispatcher's choice). */
  expectedTier: EvalTicket['expect']['tier'];
  /** The router's complexity score (0–1); a hard rule (escalation) scores 1. */
  complexity: number | null;
  factsRecall: number | null;
  grounded: number | null;
  fixFound: boolean;
  flowFound: boolean | null;
  secretsAbsent: boolean | null;
  askCites: boolean | null;
  precisionAt3: number | null;
}

export interface EvalReport {
  conditions: string[];
  offline: TicketScore[];
  model: TicketScore[] | null;
}

interface App {
  request: (method: string, path: string, token: string, body?: unknown) => Promise<{ status: number; body: any }>;
  db: Database;
  deps: ReturnType<typeof buildDeps>;
  close: () => Promise<void>;
}

async function openApp(appUrl: string, db: Database | null, ai: AiProviders): Promise<App> {
  const config = loadConfig(testConfigEnv('silent'));
  const database = db ?? openAppDatabase(appUrl, poolOptionsFrom(config.database));
  const deps = buildDeps(config, database, createLogger('silent'), { ai });
  const app = createApp(deps);
  const instance = await startInstance(database, deps.log, deps.instanceId);
  return {
    db: database,
    deps,
    async request(method, path, token, body) {
      const res = await app.request(path, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    async close() {
      await instance.stop();
      if (!db) await database.sql.end({ timeout: 5 });
    },
  };
}

async function register(app: App, label: string): Promise<{ token: string; accountId: string; userId: string }> {
  const email = `${label}-${randomBytes(4).toString('hex')}@eval.example`;
  const res = await app.request('POST', '/v1/auth/register', '', { accountName: `Eval ${label}`, name: 'Eval', email, password: `pw-${randomBytes(8).toString('hex')}` });
  if (res.status !== 201) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`);
  return { token: res.body.accessToken, accountId: res.body.user.accountId, userId: res.body.user.id };
}

const must = (what: string, res: { status: number; body: any }) => {
  if (res.status >= 300) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
};

const ticketBody = (t: EvalTicket, externalId: number) => ({
  ticket: { externalId: String(externalId), summary: t.summary, description: t.description, company: t.company, ...(t.priority ? { priority: t.priority } : {}) },
});

/** Resolves `t` in the account with the fix that worked; returns the session id. */
async function resolveInto(app: App, token: string, t: EvalTicket, externalId: number): Promise<string> {
  const s = must(`open ${t.id}`, await app.request('POST', '/v1/sessions', token, ticketBody(t, externalId))).session;
  const fix = must(`fix ${t.id}`, await app.request('POST', `/v1/sessions/${s.id}/fixes`, token, t.resolved.fix)).fix;
  must(`accept ${t.id}`, await app.request('POST', `/v1/sessions/${s.id}/fixes/${fix.id}/accept`, token));
  must(`resolve ${t.id}`, await app.request('POST', `/v1/sessions/${s.id}/resolve`, token, { rootCause: t.resolved.rootCause }));
  return s.id as string;
}

const LABEL_WORDS = new Set('error code host user version started happens time noted share address event sign-in browser http os ip the since'.split(' '));

/** A proposed fact is grounded when every content word of it is in the ticket text. */
export function isGrounded(fact: string, ticketText: string): boolean {
  const text = ticketText.toLowerCase();
  const words = (fact.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}.\\@$_-]*/gu) ?? []).filter((w) => !LABEL_WORDS.has(w) && w.length >= 2);
  return words.length > 0 && words.every((w) => text.includes(w.replace(/[.]+$/, '')));
}

const includesAny = (text: string, words: string[]) => words.some((w) => text.toLowerCase().includes(w.toLowerCase()));

interface Suggestion {
  facts: { text: string }[];
  fix?: { title: string; body: string } | null;
  flows?: { title: string }[];
  routing?: { tier: string };
}

function scoreSuggestion(set: EvalSet, t: EvalTicket, s: Suggestion, raw: string, hasFlowPick: boolean): Omit<TicketScore, 'route' | 'routedTier' | 'complexity' | 'askCites' | 'precisionAt3'> {
  const cat = set.categories[t.category]!;
  const factTexts = s.facts.map((f) => f.text.toLowerCase());
  const ticketText = `${t.summary}\n${t.description}`;
  const found = t.expect.facts.filter((v) => factTexts.some((f) => f.includes(v.toLowerCase())));
  return {
    id: t.id,
    category: t.category,
    expectedTier: t.expect.tier,
    factsRecall: t.expect.facts.length ? found.length / t.expect.facts.length : null,
    grounded: s.facts.length ? s.facts.filter((f) => isGrounded(f.text, ticketText)).length / s.facts.length : null,
    fixFound: !!s.fix && includesAny(`${s.fix.title}\n${s.fix.body}`, cat.fix),
    flowFound: cat.flow && hasFlowPick ? new RegExp(cat.flow, 'i').test(s.flows?.[0]?.title ?? '') : null,
    secretsAbsent: t.expect.secret ? !raw.includes(t.expect.secret) : null,
  };
}

export interface RunOptions {
  appUrl: string;
  set?: EvalSet;
  /** Real providers for the model pass (from ANTHROPIC_API_KEY / VOYAGE_API_KEY); none by default. */
  env?: Record<string, string | undefined>;
  onProgress?: (line: string) => void;
}

/**
 * Three accounts on one database: FULL holds every ticket resolved (precision@3, leave-one-out), A and
 * B each hold half of every category, and each ticket is asked in the account that holds the other
 * half — so a fix can only come from a *different* ticket of its kind. The router runs against the
 * loopback Anthropic fake (its decision does not depend on the answer); the model pass needs a key.
 */
export async function runEval(opts: RunOptions): Promise<EvalReport> {
  const set = opts.set ?? loadEvalSet();
  const env = opts.env ?? {};
  const progress = opts.onProgress ?? (() => {});
  const config = loadConfig(
    testConfigEnv(
      'silent',
      Object.fromEntries(
        Object.entries({ ANTHROPIC_API_KEY: env.ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL: env.ANTHROPIC_BASE_URL, VOYAGE_API_KEY: env.VOYAGE_API_KEY, VOYAGE_BASE_URL: env.VOYAGE_BASE_URL }).filter(
          (e): e is [string, string] => !!e[1],
        ),
      ),
    ),
  );
  const providers = buildAiProviders(config);
  const fake: AnthropicFake = await startAnthropicFake();
  const routerLlm = createAnthropicProvider({ apiKey: 'eval-router', baseUrl: fake.url, retry: { maxRetries: 0 } });
  const app = await openApp(opts.appUrl, null, { llm: routerLlm, embedder: providers.embedder });
  const modelApp = providers.llm ? await openApp(opts.appUrl, app.db, providers) : null;
  const conditions = [
    `${set.tickets.length} tickets in ${new Set(set.tickets.map((t) => t.category)).size} categories`,
    providers.embedder ? `similar-resolution search: hybrid (${providers.embedder.model})` : 'similar-resolution search: full-text only (no VOYAGE_API_KEY)',
    providers.llm ? 'models: Anthropic (ANTHROPIC_API_KEY set)' : 'models: not scored (no ANTHROPIC_API_KEY); the router is scored against a loopback model',
  ];
  try {
    const full = await register(app, 'full');
    const halves = [await register(app, 'a'), await register(app, 'b')];
    const categoryOf = new Map<string, string>();
    const fullIds = new Map<string, string>();
    const position = new Map<string, number>();
    const seen = new Map<string, number>();
    for (const t of set.tickets) {
      const i = seen.get(t.category) ?? 0;
      seen.set(t.category, i + 1);
      position.set(t.id, i);
    }
    let ext = 900000;
    for (const t of set.tickets) {
      const id = await resolveInto(app, full.token, t, ext++);
      fullIds.set(t.id, id);
      categoryOf.set(id, t.category);
      const half = halves[position.get(t.id)! % 2]!;
      categoryOf.set(await resolveInto(app, half.token, t, ext++), t.category);
    }
    progress(`seeded ${set.tickets.length * 2} resolved sessions`);
    if (providers.embedder) {
      for (;;) {
        const r = await drainEmbeddingJobs(app.db, providers.embedder, app.deps.log, { batch: 64 });
        if (r.leased === 0) break;
      }
      progress('embedded the corpus');
    }

    const offline: TicketScore[] = [];
    const model: TicketScore[] = [];
    for (const t of set.tickets) {
      // Asked where the other half of its category is resolved.
      const who = halves[(position.get(t.id)! + 1) % 2]!;
      const s = must(`open query ${t.id}`, await app.request('POST', '/v1/sessions', who.token, ticketBody(t, ext++))).session;
      const off = must(`suggest ${t.id}`, await app.request('POST', `/v1/sessions/${s.id}/suggest`, who.token, { tier: 'offline' }));
      const routed = must(`route ${t.id}`, await app.request('POST', `/v1/sessions/${s.id}/suggest`, who.token, {}));
      const asked = must(`ask ${t.id}`, await app.request('POST', `/v1/sessions/${s.id}/ask`, who.token, { question: `How did we fix "${t.summary}" before?`, tier: 'offline' }));
      const cites = (asked.answer.sources as { kind: string; id: string; cited: boolean }[]).some((x) => x.cited && x.kind === 'session' && categoryOf.get(x.id) === t.category);
      const precision = await precisionAt3(app, full, t, fullIds.get(t.id)!, categoryOf, providers.embedder);
      const routedTier = routed.routing.tier as string;
      offline.push({
        ...scoreSuggestion(set, t, off, JSON.stringify([off, asked]), true),
        route: routedTier === t.expect.tier,
        routedTier,
        complexity: routed.routing.complexity as number,
        askCites: cites,
        precisionAt3: precision,
      });
      if (modelApp) {
        const m = must(`model ${t.id}`, await modelApp.request('POST', `/v1/sessions/${s.id}/suggest`, who.token, { tier: t.expect.tier === 'offline' ? 'fast' : t.expect.tier }));
        const ma = must(`model ask ${t.id}`, await modelApp.request('POST', `/v1/sessions/${s.id}/ask`, who.token, { question: `How did we fix "${t.summary}" before?` }));
        model.push({
          ...scoreSuggestion(set, t, m, JSON.stringify([m, ma]), false),
          route: null,
          routedTier: m.tier,
          complexity: null,
          askCites: (ma.answer.sources as { kind: string; id: string; cited: boolean }[]).some((x) => x.cited && x.kind === 'session' && categoryOf.get(x.id) === t.category),
          precisionAt3: null,
        });
      }
      progress(`${t.id} done`);
    }
    return { conditions, offline, model: modelApp ? model : null };
  } finally {
    await modelApp?.close();
    await app.close();
    await fake.close();
  }
}

/** Of the three resolved sessions most similar to the ticket (itself left out), the share of the same category. */
async function precisionAt3(app: App, who: { accountId: string; userId: string }, t: EvalTicket, selfId: string, categoryOf: Map<string, string>, embedder?: Embedder): Promise<number> {
  const tenant = <T>(fn: (tx: Tx) => Promise<T>) => app.db.tenant({ accountId: who.accountId, userId: who.userId }, fn);
  const text = `${t.summary}\n${t.description}`;
  const redact = redactorFor(await tenant((tx) => readPreferences(tx)));
  const query = await embedQuery(embedder, text, redact, app.deps.log);
  const ids = await tenant(async (tx) => {
    const lexical = (await fullTextSearch(tx, redact(text), { types: ['session'], match: 'any', limit: 30 })).map((h) => ({ kind: h.type, id: h.id }));
    if (!embedder || !query.vector) return lexical.map((r) => r.id);
    const ranked = await hybridRank(tx, text, query, embedder.model, { lexical, kinds: ['session'], limit: 10 });
    return ranked.refs.map((r) => r.id);
  });
  const top = ids.filter((id) => id !== selfId).slice(0, 3);
  return top.filter((id) => categoryOf.get(id) === t.category).length / 3;
}

// ---- the table ----------------------------------------------------------------------------------------

const pct = (xs: (number | boolean | null)[]) => {
  const v = xs.filter((x): x is number | boolean => x !== null).map(Number);
  return v.length ? `${Math.round((v.reduce((a, b) => a + b, 0) / v.length) * 100)}%` : '—';
};

export interface SummaryRow {
  scope: string;
  tickets: number;
  route: string;
  factsRecall: string;
  grounded: string;
  fixFound: string;
  flowFound: string;
  secretsAbsent: string;
  askCites: string;
  precisionAt3: string;
}

export function summarise(scope: string, rows: TicketScore[]): SummaryRow {
  return {
    scope,
    tickets: rows.length,
    route: pct(rows.map((r) => r.route)),
    factsRecall: pct(rows.map((r) => r.factsRecall)),
    grounded: pct(rows.map((r) => r.grounded)),
    fixFound: pct(rows.map((r) => r.fixFound)),
    flowFound: pct(rows.map((r) => r.flowFound)),
    secretsAbsent: pct(rows.map((r) => r.secretsAbsent)),
    askCites: pct(rows.map((r) => r.askCites)),
    precisionAt3: pct(rows.map((r) => r.precisionAt3)),
  };
}

const HEAD: [keyof SummaryRow, string][] = [
  ['scope', 'scope'],
  ['tickets', 'n'],
  ['route', 'routing tier'],
  ['factsRecall', 'facts found'],
  ['grounded', 'facts grounded'],
  ['fixFound', 'fix found'],
  ['flowFound', 'flow found'],
  ['secretsAbsent', 'secrets absent'],
  ['askCites', 'ask cites'],
  ['precisionAt3', 'precision@3'],
];

export function formatTable(rows: SummaryRow[]): string {
  const cells = [HEAD.map(([, h]) => h), ...rows.map((r) => HEAD.map(([k]) => String(r[k])))];
  const widths = HEAD.map((_, i) => Math.max(...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((x, i) => (i === 0 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join(' | ')} |`;
  return [line(cells[0]!), `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...cells.slice(1).map(line)].join('\n');
}

// ---- routing ------------------------------------------------------------------------------------------

const TIERS = ['offline', 'fast', 'deep'] as const;
type EvalTier = (typeof TIERS)[number];

/** Expected tier × routed tier: how many tickets in each cell. */
export function routingConfusion(rows: TicketScore[]): Record<EvalTier, Record<EvalTier, number>> {
  const m = Object.fromEntries(TIERS.map((e) => [e, Object.fromEntries(TIERS.map((r) => [r, 0]))])) as Record<EvalTier, Record<EvalTier, number>>;
  for (const r of rows) if (r.routedTier && (TIERS as readonly string[]).includes(r.routedTier)) m[r.expectedTier][r.routedTier as EvalTier]++;
  return m;
}

/** Share of tickets whose routed tier is the expected one. */
export const routingAgreement = (rows: TicketScore[]) => rows.filter((r) => r.route).length / rows.length;

/** The agreement the router would reach with other thresholds, from each ticket's complexity (what tuning reads). */
export const agreementAt = (rows: TicketScore[], t: TierThresholds) => rows.filter((r) => r.complexity !== null && tierFor(r.complexity, t) === r.expectedTier).length / rows.length;

/** The best thresholds on this set (a 0.05 grid; of equal ones, the nearest to today's), for the report to show beside today's. */
export function bestThresholds(rows: TicketScore[]): TierThresholds & { agreement: number } {
  let best: TierThresholds & { agreement: number } = { ...TIER_THRESHOLDS, agreement: agreementAt(rows, TIER_THRESHOLDS) };
  const distance = (t: TierThresholds) => Math.abs(t.fast - TIER_THRESHOLDS.fast) + Math.abs(t.deep - TIER_THRESHOLDS.deep);
  for (let f = 5; f <= 95; f += 5) {
    for (let d = f + 5; d <= 100; d += 5) {
      const t = { fast: f / 100, deep: d / 100 };
      const agreement = agreementAt(rows, t);
      if (agreement > best.agreement + 1e-9 || (Math.abs(agreement - best.agreement) < 1e-9 && distance(t) < distance(best))) best = { ...t, agreement };
    }
  }
  return best;
}

/** The confusion table, each expected tier's agreement, and today's thresholds beside the best ones on this set. */
export function formatRouting(rows: TicketScore[]): string {
  const m = routingConfusion(rows);
  const cells = [
    ['expected \\ routed', ...TIERS, 'agree'],
    ...TIERS.map((e) => {
      const n = TIERS.reduce((a, r) => a + m[e][r], 0);
      return [`${e} (${n})`, ...TIERS.map((r) => String(m[e][r])), n ? `${Math.round((m[e][e] / n) * 100)}%` : '—'];
    }),
  ];
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((x, i) => (i === 0 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join(' | ')} |`;
  const best = bestThresholds(rows);
  const pctOf = (x: number) => `${Math.round(x * 100)}%`;
  return [
    line(cells[0]!),
    `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...cells.slice(1).map(line),
    `Thresholds today: fast from ${TIER_THRESHOLDS.fast}, deep from ${TIER_THRESHOLDS.deep} of complexity: ${pctOf(routingAgreement(rows))} agree.` +
      ` Best on this set: fast from ${best.fast}, deep from ${best.deep}: ${pctOf(best.agreement)} (read eval/README.md before moving them).`,
  ].join('\n');
}

/** The printed report: overall rows per pass, then the offline copilot per category. */
export function formatReport(r: EvalReport): string {
  const overall = [summarise('offline copilot', r.offline), ...(r.model ? [summarise('model', r.model)] : [])];
  const categories = [...new Set(r.offline.map((x) => x.category))].map((c) => summarise(c, r.offline.filter((x) => x.category === c)));
  const misrouted = r.offline.filter((x) => x.route === false).map((x) => `${x.id}→${x.routedTier}`);
  return [
    ...r.conditions.map((c) => `- ${c}`),
    '',
    formatTable(overall),
    '',
    'Offline copilot by category:',
    formatTable(categories),
    '',
    'Routing (expected tier × routed tier):',
    formatRouting(r.offline),
    '',
    `Routing disagreements (ticket→tier chosen): ${misrouted.length ? misrouted.join(', ') : 'none'}`,
  ].join('\n');
}
