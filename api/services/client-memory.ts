// Client memory: facts about a customer company (its firewall, VPN, mail platform, quirks, contacts'
// preferences), proposed from resolved sessions with provenance, confirmed by an engineer, expiring unless confirmed again.
import type { Tx } from '../db/database.js';
import { notFound, unprocessable } from '../lib/errors.js';
import { loadRedactionRules, redactText } from './redaction/index.js';
import { activeFacts, getSession, type SessionRow } from './sessions/index.js';
import { readPreferences } from './settings.js';
import { tsQuery } from '../lib/tsquery.js';

export const MEMORY_KINDS = ['firewall', 'vpn', 'mail', 'backup', 'contact', 'quirk', 'other'] as const;
export type MemoryKind = (typeof MEMORY_KINDS)[number];

export interface MemoryRow {
  id: string;
  company: string;
  kind: MemoryKind;
  text: string;
  status: 'proposed' | 'confirmed';
  origin: 'rule' | 'model' | 'engineer';
  source_session_id: string | null;
  source_ticket: string | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  confirmed_by: string | null;
  confirmed_at: Date | null;
  expires_at: Date | null;
}

/** 'expired' is derived: a confirmed fact past its expiry, no longer shown to or used by the copilot. */
export type MemoryState = 'proposed' | 'confirmed' | 'expired';

export const memoryState = (m: Pick<MemoryRow, 'status' | 'expires_at'>, now = new Date()): MemoryState =>
  m.status === 'proposed' ? 'proposed' : m.expires_at && m.expires_at <= now ? 'expired' : 'confirmed';

export const memoryView = (m: MemoryRow) => ({
  id: m.id,
  company: m.company,
  kind: m.kind,
  text: m.text,
  state: memoryState(m),
  origin: m.origin,
  source: { sessionId: m.source_session_id, ticket: m.source_ticket },
  createdAt: m.created_at.toISOString(),
  updatedAt: m.updated_at.toISOString(),
  confirmedAt: m.confirmed_at?.toISOString() ?? null,
  confirmedBy: m.confirmed_by,
  expiresAt: m.expires_at?.toISOString() ?? null,
});

const COLUMNS = ['id', 'company', 'kind', 'text', 'status', 'origin', 'source_session_id', 'source_ticket', 'created_by', 'created_at', 'updated_at', 'confirmed_by', 'confirmed_at', 'expires_at'];

/** Confirmed, unexpired facts about a company (case-insensitive), newest confirmation first. */
export async function activeMemoryFor(tx: Tx, company: string): Promise<MemoryRow[]> {
  return tx<MemoryRow[]>`
    select ${tx(COLUMNS)} from client_memory
    where lower(company) = lower(${company.trim()}) and status = 'confirmed' and expires_at > now()
    order by confirmed_at desc, id limit 20`;
}

/** Confirmed, unexpired facts of any company whose words match `q` (the standalone assistant has no company). */
export async function searchMemory(tx: Tx, q: string, limit: number): Promise<MemoryRow[]> {
  const tsq = tsQuery(q, 'any');
  if (!tsq) return [];
  return tx<MemoryRow[]>`
    select ${tx(COLUMNS)} from client_memory
    where status = 'confirmed' and expires_at > now() and search @@ to_tsquery('english', ${tsq})
    order by ts_rank(search, to_tsquery('english', ${tsq})) desc, id limit ${limit}`;
}

export async function listMemory(tx: Tx, company: string, state: MemoryState | 'all'): Promise<MemoryRow[]> {
  return tx<MemoryRow[]>`
    select ${tx(COLUMNS)} from client_memory
    where lower(company) = lower(${company.trim()})
      and (${state} = 'all'
        or (${state} = 'proposed' and status = 'proposed')
        or (${state} = 'confirmed' and status = 'confirmed' and expires_at > now())
        or (${state} = 'expired' and status = 'confirmed' and expires_at <= now()))
    order by status, coalesce(confirmed_at, created_at) desc, id limit 200`;
}

async function getMemory(tx: Tx, id: string): Promise<MemoryRow> {
  const [row] = await tx<[MemoryRow?]>`select ${tx(COLUMNS)} from client_memory where id = ${id}`;
  if (!row) throw notFound('Client memory fact');
  return row;
}

const expiryDays = async (tx: Tx) => (await readPreferences(tx)).clientMemory.expiryDays;

/** Stored text is redacted with the account's rules: memory is shown to every engineer and used in prompts. */
async function cleanText(tx: Tx, text: string): Promise<string> {
  return redactText(text.trim(), await loadRedactionRules(tx)).trim();
}

/** A fact an engineer types is confirmed as written (an existing identical fact is re-confirmed). */
export async function createMemory(tx: Tx, accountId: string, userId: string, input: { company: string; kind: MemoryKind; text: string }) {
  const days = await expiryDays(tx);
  const text = await cleanText(tx, input.text);
  const [row] = await tx<[MemoryRow]>`
    insert into client_memory (account_id, company, kind, text, status, origin, created_by, confirmed_by, confirmed_at, expires_at)
    values (${accountId}, ${input.company.trim()}, ${input.kind}, ${text}, 'confirmed', 'engineer', ${userId}, ${userId}, now(), now() + make_interval(days => ${days}))
    on conflict (account_id, lower(company), lower(text)) do update
      set status = 'confirmed', kind = excluded.kind, confirmed_by = excluded.confirmed_by, confirmed_at = now(), expires_at = excluded.expires_at, updated_at = now()
    returning ${tx(COLUMNS)}, (xmax = 0) as inserted`;
  return row as MemoryRow & { inserted: boolean };
}

/** Confirms a proposal, or confirms a fact again: it is shown and used for another expiry period. */
export async function confirmMemory(tx: Tx, id: string, userId: string): Promise<MemoryRow> {
  await getMemory(tx, id);
  const days = await expiryDays(tx);
  const [row] = await tx<[MemoryRow]>`
    update client_memory set status = 'confirmed', confirmed_by = ${userId}, confirmed_at = now(),
      expires_at = now() + make_interval(days => ${days}), updated_at = now()
    where id = ${id} returning ${tx(COLUMNS)}`;
  return row;
}

export async function editMemory(tx: Tx, id: string, patch: { text?: string; kind?: MemoryKind; company?: string }): Promise<MemoryRow> {
  const before = await getMemory(tx, id);
  const text = patch.text !== undefined ? await cleanText(tx, patch.text) : before.text;
  if (!text) throw unprocessable('The fact would be empty after redaction.');
  try {
    const [row] = await tx<[MemoryRow]>`
      update client_memory set text = ${text}, kind = ${patch.kind ?? before.kind}, company = ${patch.company?.trim() ?? before.company}, updated_at = now()
      where id = ${id} returning ${tx(COLUMNS)}`;
    return row;
  } catch (err) {
    if ((err as { code?: string }).code === '23505') throw unprocessable('The same fact is already recorded for this company.', 'duplicate');
    throw err;
  }
}

export async function deleteMemory(tx: Tx, id: string): Promise<void> {
  const gone = await tx`delete from client_memory where id = ${id}`;
  if (!gone.count) throw notFound('Client memory fact');
}

// ---- proposals by rules ---------------------------------------------------------------------------

export interface ProposedMemory {
  kind: MemoryKind;
  text: string;
}

/**
 * Sentences naming a product or a stated preference. A product name is required: "the VPN certificate
 * expired" is about the incident, "they use GlobalProtect" is about the client.
 */
const RULES: { kind: MemoryKind; label: string; re: RegExp }[] = [
  { kind: 'firewall', label: 'Firewall', re: /\b(forti ?gate|fortinet|sonicwall|meraki|palo ?alto|pfsense|opnsense|watchguard|sophos (?:xg|xgs|utm)|unifi (?:gateway|dream machine|udm)|cisco asa|firebox)\b/i },
  { kind: 'vpn', label: 'VPN', re: /\b(anyconnect|global ?protect|forticlient|openvpn|wireguard|always ?on vpn|zscaler|tailscale)\b/i },
  { kind: 'mail', label: 'Mail', re: /\b(microsoft 365|office 365|m365|o365|exchange online|exchange (?:server )?20\d\d|on-?prem(?:ises)? exchange|google workspace|g ?suite|gmail|mimecast|proofpoint|barracuda)\b/i },
  { kind: 'backup', label: 'Backup', re: /\b(veeam|datto|acronis|backupify|azure backup|synology hyper backup|backup exec)\b/i },
  { kind: 'contact', label: 'Contact', re: /\b(prefers?|rather be|only (?:call|email|text)|do not call|don't call|call (?:her|him|them) on|reachable (?:on|at|only))\b/i },
];

const sentencesOf = (text: string) =>
  text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter((s) => s.length >= 12 && s.length <= 300);

/**
 * Facts worth remembering about the company, found by rules in a resolved session's ticket, facts,
 * timeline, root cause and fix: each the sentence that names a firewall, VPN, mail or backup product,
 * or a contact's stated preference. Already redacted by the caller.
 */
export function ruleProposals(texts: string[]): ProposedMemory[] {
  const out: ProposedMemory[] = [];
  const seen = new Set<string>();
  for (const sentence of texts.flatMap(sentencesOf)) {
    const rule = RULES.find((r) => r.re.test(sentence));
    if (!rule) continue;
    const body = sentence.replace(/[.!?]+$/, '');
    const key = body.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ kind: rule.kind, text: `${rule.label}: ${body}` });
  }
  return out.slice(0, 8);
}

/** The redacted text of a resolved session the proposers read, and the session itself. */
export async function sessionEvidence(tx: Tx, sessionId: string): Promise<{ session: SessionRow; texts: string[] }> {
  const session = await getSession(tx, sessionId);
  if (session.status !== 'resolved') throw unprocessable('Client memory is proposed from resolved sessions: resolve this one first.', 'session_not_resolved');
  if (!session.ticket_company?.trim()) throw unprocessable('The ticket names no company to remember facts for.', 'no_company');
  const rules = await loadRedactionRules(tx);
  const [facts, fixes] = await Promise.all([
    activeFacts(tx, sessionId),
    tx<{ title: string; body: string }[]>`select title, body from session_suggested_fixes where session_id = ${sessionId} and decision is not null and decision <> 'dismissed'`,
  ]);
  const texts = [
    session.ticket_summary,
    session.ticket_description,
    ...facts.map((f) => f.text),
    ...session.pending_task_lane.filter((i) => i.kind !== 'status').map((i) => i.text),
    session.root_cause,
    ...fixes.flatMap((f) => [f.title, f.body]),
  ]
    .filter((t): t is string => !!t?.trim())
    .map((t) => redactText(t, rules));
  return { session, texts };
}

/**
 * Stores proposals from a session with its provenance. A fact already known for the company (same
 * text) is left as it is: an engineer confirms it again, proposals never extend an expiry.
 */
export async function storeProposals(tx: Tx, accountId: string, session: SessionRow, proposals: ProposedMemory[], origin: 'rule' | 'model'): Promise<MemoryRow[]> {
  const out: MemoryRow[] = [];
  for (const p of proposals) {
    const [row] = await tx<[MemoryRow?]>`
      insert into client_memory (account_id, company, kind, text, status, origin, source_session_id, source_ticket)
      values (${accountId}, ${session.ticket_company!.trim()}, ${p.kind}, ${p.text.trim()}, 'proposed', ${origin}, ${session.id}, ${`#${session.ticket_external_id}`})
      on conflict (account_id, lower(company), lower(text)) do nothing
      returning ${tx(COLUMNS)}`;
    if (row) out.push(row);
  }
  return out;
}
