// Builds a note (resolution note or escalation package) as a format-neutral document from a session's timeline.
import type { Tx } from '../../db/database.js';
import type { FlowGraph, FlowNode } from '../flow-graph.js';
import { createHmac } from 'node:crypto';
import { findSecrets, mergeCounts, type RedactionRules, type SecretKind } from '../redaction/index.js';
import { activeFacts, activeFix, getSession, type FactRow, type FixRow, type SessionRow } from '../sessions/index.js';
import type { LaneItem } from '../sessions/lane.js';
import { targetGrid, targetLines } from '../sessions/targets.js';
import { sessionWorkSpan } from '../sessions/time.js';
import { clockIn, dayIn, durationInWords, isIanaTimeZone, zoneNameIn } from '../time-zone.js';

/**
 * Redacted spans travel through the document as private-use sentinels (U+E000 kind U+E001) so each
 * renderer can escape user text first and then show the mark in its own way.
 */
export const MARK_OPEN = '\uE000';
export const MARK_CLOSE = '\uE001';
/** Separates the kind from the spot's sequence number inside a mark. */
export const MARK_SEQ = '\uE002';
export const MARK_RE = /\uE000([a-z -]+)(?:\uE002\d+)?\uE001/g;

/**
 * One redacted spot of a note, for the preview's review list. `marker` is the 1-based position of its
 * "[redacted …]" marker in the rendered note (the same in every format); `id` is the spot's
 * fingerprint (HMAC over kind and text, keyed by the session's random `redaction_salt`, which no route
 * returns: stable across renders, meaningless in another session, never the text, and not something a
 * reader of the spot id can test guesses against — a four-digit PIN would otherwise fall to 10,000 tries). Revealed spots were un-hidden by an engineer for this session.
 */
export interface RedactionSpot {
  id: string;
  kind: SecretKind;
  marker: number | null;
  revealed: boolean;
}

export function spotFingerprint(salt: Uint8Array, kind: string, text: string): string {
  return createHmac('sha256', salt).update(`${kind}\0${text}`).digest('hex').slice(0, 20);
}

export interface TimelineEntry {
  at: string;
  /** Short clock time in the account's zone, with the date when the day changed since the session started. */
  time: string;
  text: string;
  /** A result ("Yes, webmail works") shown after the text. */
  result?: string;
  note?: string;
  command?: string;
  /** Maintenance runs: "NW-DC01 done; NW-SQL01 failed (reboot hung)". */
  targets?: string;
}

export type Block =
  | { type: 'para'; text: string; label?: string }
  | { type: 'list'; items: string[] }
  | { type: 'timeline'; entries: TimelineEntry[] }
  | { type: 'code'; text: string };

export interface Section {
  heading: string;
  blocks: Block[];
}

export interface NoteDocument {
  kind: 'resolution' | 'escalation';
  title: string;
  meta: string[];
  sections: Section[];
  stateVersion: number;
  redactions: Partial<Record<SecretKind, number>>;
  /** Every redacted spot, in marker order, then the revealed ones. */
  spots: RedactionSpot[];
}

export interface NoteData {
  session: SessionRow;
  facts: FactRow[];
  fix: FixRow | undefined;
  flowTitle: string | null;
  userNames: Map<string, string>;
  /** IANA zone the note's times are written in: the account's setting, else the ConnectWise server's, else UTC. */
  timeZone: string;
}

export async function loadNoteData(tx: Tx, sessionId: string): Promise<NoteData> {
  const session = await getSession(tx, sessionId);
  const [facts, fix] = await Promise.all([activeFacts(tx, sessionId), activeFix(tx, sessionId)]);
  const [flow] = session.flow_id ? await tx<[{ title: string }?]>`select title from flows where id = ${session.flow_id}` : [];
  const timeZone = await noteTimeZone(tx);
  const ids = new Set<string>();
  if (session.user_id) ids.add(session.user_id);
  for (const item of session.pending_task_lane) if (item.by) ids.add(item.by);
  const users = ids.size ? await tx<{ id: string; name: string }[]>`select id, name from users where id = any(${[...ids]}::uuid[])` : [];
  return { session, facts, fix, flowTitle: flow?.title ?? null, userNames: new Map(users.map((u) => [u.id, u.name])), timeZone };
}

/** The zone of the account's notes, in one statement: its setting, else its ConnectWise server's, else UTC. */
export async function noteTimeZone(tx: Tx): Promise<string> {
  const [row] = await tx<[{ zone: string | null }]>`
    select coalesce((select preferences->>'timeZone' from account_settings), (select server_time_zone from psa_connections)) as zone`;
  return row.zone && isIanaTimeZone(row.zone) ? row.zone : 'UTC';
}

/**
 * Collapses whitespace and cuts long free text at a word boundary. Runs on text that was already
 * redacted (cutting first could separate "password:" from its value); never cuts inside a mark.
 */
function tidy(text: string, max = 1200): string {
  const flat = text.replace(/\r\n?/g, '\n').replace(/[ \t]+/g, ' ').replace(/\n{3,}/g, '\n\n').trim();
  if (flat.length <= max) return flat;
  let cut = flat.slice(0, max);
  cut = cut.slice(0, Math.max(cut.lastIndexOf(' '), max - 40));
  const open = cut.lastIndexOf(MARK_OPEN);
  if (open >= 0 && cut.indexOf(MARK_CLOSE, open) < 0) cut = cut.slice(0, open);
  return cut + ' …';
}

class Redactor {
  counts: Partial<Record<SecretKind, number>> = {};
  /** Spots by sequence number (the order they were found, not the order they are shown). */
  readonly hidden = new Map<number, { id: string; kind: SecretKind }>();
  readonly revealed = new Map<string, SecretKind>();
  private seq = 0;
  constructor(
    private readonly rules: RedactionRules | null,
    private readonly salt: Uint8Array = new Uint8Array(),
    private readonly reveals: ReadonlySet<string> = new Set(),
  ) {}
  /** Strips stray sentinels from user text, then marks its secrets (leaving this session's un-hidden ones in clear). */
  text(input: string | null | undefined): string {
    const clean = (input ?? '').replace(/[\uE000-\uE002]/g, '');
    if (!this.rules) return clean;
    const findings = findSecrets(clean, this.rules);
    if (!findings.length) return clean;
    let out = '';
    let at = 0;
    const counts: Partial<Record<SecretKind, number>> = {};
    for (const f of findings) {
      const secret = clean.slice(f.start, f.end);
      const id = spotFingerprint(this.salt, f.kind, secret);
      if (this.reveals.has(id)) {
        this.revealed.set(id, f.kind);
        continue; // un-hidden for this session: stays in the text
      }
      const seq = ++this.seq;
      this.hidden.set(seq, { id, kind: f.kind });
      out += clean.slice(at, f.start) + MARK_OPEN + f.kind + MARK_SEQ + seq + MARK_CLOSE;
      at = f.end;
      counts[f.kind] = (counts[f.kind] ?? 0) + 1;
    }
    this.counts = mergeCounts(this.counts, counts);
    return out + clean.slice(at);
  }
}

/** The document's strings in the order every renderer prints them (title, meta, then each block; timeline: text, result, command, targets, note). */
function* renderOrder(doc: Omit<NoteDocument, 'redactions' | 'spots'>): Generator<string> {
  yield doc.title;
  yield* doc.meta;
  for (const section of doc.sections) {
    for (const b of section.blocks) {
      if (b.type === 'para' || b.type === 'code') yield b.text;
      else if (b.type === 'list') yield* b.items;
      else for (const e of b.entries) for (const t of [e.text, e.result, e.command, e.targets, e.note]) if (t) yield t;
    }
  }
}

function spotsOf(doc: Omit<NoteDocument, 'redactions' | 'spots'>, r: Redactor): RedactionSpot[] {
  const out: RedactionSpot[] = [];
  const seqRe = /\uE000[a-z -]+\uE002(\d+)\uE001/g;
  for (const text of renderOrder(doc)) {
    for (const m of text.matchAll(seqRe)) {
      const spot = r.hidden.get(Number(m[1]));
      if (spot) out.push({ id: spot.id, kind: spot.kind, marker: out.length + 1, revealed: false });
    }
  }
  for (const [id, kind] of r.revealed) out.push({ id, kind, marker: null, revealed: true });
  return out;
}

const STEP_VERB: Record<string, string> = {
  question: 'Asked',
  check: 'Checked',
  action: 'Did',
  solution: 'Applied',
  escalate: 'Reached escalation',
  info: 'Reviewed',
};

const STATUS_TEXT: Record<string, string> = {
  paused: 'Session paused',
  active: 'Session resumed',
  resolved: 'Session resolved',
  escalated: 'Session escalated',
  abandoned: 'Session abandoned',
};

function timeline(data: NoteData, r: Redactor): TimelineEntry[] {
  const tz = data.timeZone;
  const dayOf = (d: Date) => dayIn(d, tz);
  const clockOf = (d: Date) => clockIn(d, tz);
  const startDay = dayOf(data.session.created_at);
  const authors = new Set(data.session.pending_task_lane.map((i) => i.by).filter(Boolean));
  const nodes = new Map((data.session.flow_graph?.nodes ?? []).map((n) => [n.id, n] as const));
  return data.session.pending_task_lane.map((item: LaneItem) => {
    const at = new Date(item.at);
    const time = dayOf(at) === startDay ? clockOf(at) : `${dayOf(at).slice(5)} ${clockOf(at)}`;
    const who = authors.size > 1 && item.by ? ` (${data.userNames.get(item.by) ?? 'someone'})` : '';
    const entry: TimelineEntry = { at: item.at, time, text: '' };
    switch (item.kind) {
      case 'step': {
        entry.text = `${STEP_VERB[item.nodeKind ?? ''] ?? 'Step'}: ${r.text(item.nodeTitle ?? item.nodeId)}${who}`;
        if (item.optionLabel) entry.result = r.text(item.optionLabel);
        if (item.text) entry.note = r.text(item.text);
        if (item.targets?.length) {
          entry.targets = item.targets.map((tr) => `${r.text(tr.name)} ${tr.result}${tr.note ? ` (${r.text(tr.note)})` : ''}`).join('; ');
        }
        const node = item.nodeId ? nodes.get(item.nodeId) : undefined;
        if (item.command && (node?.kind === 'check' || node?.kind === 'action')) entry.command = r.text(item.command);
        break;
      }
      case 'command':
        entry.text = `Ran a command${who}`;
        entry.command = r.text(item.text);
        break;
      case 'observation':
        entry.text = `Observed${who}: ${r.text(item.text)}`;
        break;
      case 'note':
        entry.text = `Note${who}: ${r.text(item.text)}`;
        break;
      case 'status':
        entry.text = `${item.text ? r.text(item.text) : STATUS_TEXT[item.status ?? ''] ?? 'Status changed'}${who}`;
        break;
      default:
        entry.text = r.text(item.text ?? item.kind);
    }
    return entry;
  });
}

function factSource(fact: FactRow, data: NoteData, r: Redactor): string {
  if (!fact.source_ref) return '';
  if (fact.source_ref === 'ticket') return ' (from the ticket)';
  const item = data.session.pending_task_lane.find((i) => `lane:${i.id}` === fact.source_ref);
  if (!item) return '';
  const at = clockIn(new Date(item.at), data.timeZone);
  if (item.kind === 'step') return ` (from the step "${r.text(item.nodeTitle ?? item.nodeId)}" at ${at})`;
  return ` (from the ${item.kind} at ${at})`;
}

/** The last solution or escalation node the walk reached, if any. */
function reachedOutcome(session: SessionRow, kind: 'solution' | 'escalate'): FlowNode | undefined {
  const graph: FlowGraph | null = session.flow_graph;
  if (!graph) return undefined;
  const byId = new Map(graph.nodes.map((n) => [n.id, n] as const));
  const current = session.current_node_id ? byId.get(session.current_node_id) : undefined;
  if (current?.kind === kind) return current;
  const steps = session.pending_task_lane.filter((i) => i.kind === 'step' && i.nodeId);
  for (let i = steps.length - 1; i >= 0; i--) {
    const node = byId.get(steps[i]!.nodeId!);
    if (node?.kind === kind) return node;
  }
  return undefined;
}

const acceptedFix = (fix: FixRow | undefined): FixRow | undefined => (fix && fix.decision !== null && fix.decision !== 'dismissed' ? fix : undefined);

function header(data: NoteData, r: Redactor): { title: string; meta: string[] } {
  const s = data.session;
  const ticketBits = [`Ticket #${s.ticket_external_id}`];
  if (s.ticket_board) ticketBits.push(`board ${r.text(s.ticket_board)}`);
  if (s.ticket_priority) ticketBits.push(`priority ${r.text(s.ticket_priority)}`);
  const meta = [ticketBits.join(', ')];
  const who = [s.ticket_company ? r.text(s.ticket_company) : null, s.ticket_contact ? `contact ${r.text(s.ticket_contact)}` : null].filter(Boolean);
  if (who.length) meta.push(who.join(', '));
  const tz = data.timeZone;
  meta.push(tz === 'UTC'
    ? `Session started ${dayIn(s.created_at, tz)} ${clockIn(s.created_at, tz)} UTC; times below are UTC.`
    : `Session started ${dayIn(s.created_at, tz)} ${clockIn(s.created_at, tz)} ${zoneNameIn(s.created_at, tz)}; times below are ${tz} time.`);
  return { title: r.text(s.ticket_summary) || `Ticket #${s.ticket_external_id}`, meta };
}

function problemSection(data: NoteData, r: Redactor): Section {
  const s = data.session;
  const blocks: Block[] = [{ type: 'para', text: r.text(s.ticket_summary) || 'No summary was given on the ticket.' }];
  if (s.ticket_description?.trim()) blocks.push({ type: 'para', label: 'Reported', text: tidy(r.text(s.ticket_description)) });
  if (data.flowTitle) blocks.push({ type: 'para', label: 'Flow', text: `${r.text(data.flowTitle)} (version ${s.flow_version ?? 1})` });
  return { heading: 'Problem', blocks };
}

function factsBlock(data: NoteData, r: Redactor, empty: string): Block {
  if (!data.facts.length) return { type: 'para', text: empty };
  return { type: 'list', items: data.facts.map((f) => r.text(f.text) + factSource(f, data, r)) };
}

function timeSpent(data: NoteData): Block {
  const s = data.session;
  const lane = s.pending_task_lane;
  const { end, pausedMs: paused, workMs } = sessionWorkSpan(s);
  const people = [...new Set([s.user_id, ...lane.map((i) => i.by)].filter((x): x is string => !!x))]
    .map((id) => data.userNames.get(id))
    .filter(Boolean);
  const elapsed = workMs + paused;
  const tz = data.timeZone;
  const window = `${clockIn(s.created_at, tz)}–${clockIn(end, tz)} ${zoneNameIn(s.created_at, tz)} on ${dayIn(s.created_at, tz)}`;
  const span = paused > 0
    ? `${durationInWords(elapsed - paused)} of work (${window}, paused for ${durationInWords(paused)})`
    : `${durationInWords(elapsed)} (${window})`;
  return { type: 'para', text: people.length ? `${span}, worked by ${people.join(', ')}` : span };
}

/** Maintenance runs: each target's results, so the ticket says which server failed which step. */
function targetsSection(data: NoteData, r: Redactor): Section[] {
  const grid = targetGrid(data.session.pending_task_lane);
  if (!grid.targets.length) return [];
  const failed = grid.targets.filter((t) => grid.totals[t]!.failed > 0).length;
  const lead = `${grid.targets.length} target${grid.targets.length === 1 ? '' : 's'}, ${failed ? `${failed} with a failed step` : 'no failed steps'}.`;
  return [{ heading: 'Per target', blocks: [{ type: 'para', text: lead }, { type: 'list', items: targetLines(grid, (s) => r.text(s)) }] }];
}

function resolutionNextSteps(data: NoteData, r: Redactor): string[] {
  const s = data.session;
  const steps: string[] = [];
  const node = s.flow_graph && s.current_node_id ? s.flow_graph.nodes.find((n) => n.id === s.current_node_id) : undefined;
  const fixed = acceptedFix(data.fix) || node?.kind === 'solution';
  if (s.status === 'resolved' || ((s.status === 'active' || s.status === 'paused') && fixed)) {
    steps.push(s.ticket_contact ? `Confirm with ${r.text(s.ticket_contact)} that the problem is gone, then close the ticket.` : 'Confirm with the user that the problem is gone, then close the ticket.');
  } else if (s.status === 'escalated') {
    steps.push(`Escalated to the next tier${s.escalation_reason ? `: ${r.text(s.escalation_reason)}` : ''}.`);
  } else if (s.status === 'abandoned') {
    steps.push('The session was abandoned; no further work is planned from it.');
  } else if (node && node.kind !== 'solution') {
    steps.push(`Continue the flow at: ${r.text(node.title)}.`);
  }
  if (data.fix && data.fix.decision === null) steps.push(`Confirm the proposed fix: ${r.text(data.fix.title)}.`);
  if (!steps.length) steps.push('None.');
  return steps;
}

function buildResolution(data: NoteData, r: Redactor): Omit<NoteDocument, 'redactions' | 'spots'> {
  const s = data.session;
  const { title, meta } = header(data, r);
  const resolution: Block[] = [];
  const solution = reachedOutcome(s, 'solution');
  const accepted = acceptedFix(data.fix);
  if (accepted) {
    resolution.push({ type: 'para', text: r.text(accepted.title) });
    if (accepted.body.trim()) resolution.push({ type: 'para', text: r.text(accepted.body.trim()) });
  } else if (solution) {
    resolution.push({ type: 'para', text: r.text(solution.title) });
    if (solution.body) resolution.push({ type: 'para', text: r.text(solution.body) });
  } else if (data.fix && data.fix.decision === null) {
    resolution.push({ type: 'para', text: `Proposed, not yet confirmed: ${r.text(data.fix.title)}` });
  } else {
    resolution.push({ type: 'para', text: s.status === 'escalated' ? 'Not resolved at this tier; escalated.' : 'Not resolved yet.' });
  }
  const entries = timeline(data, r);
  return {
    kind: 'resolution',
    title: `Resolution note: ${title}`,
    meta,
    stateVersion: s.state_version,
    sections: [
      problemSection(data, r),
      { heading: 'What we confirmed', blocks: [factsBlock(data, r, 'Nothing confirmed yet.')] },
      { heading: 'Root cause', blocks: [{ type: 'para', text: s.root_cause?.trim() ? r.text(s.root_cause.trim()) : 'Not recorded.' }] },
      { heading: 'Resolution', blocks: resolution },
      { heading: 'What was checked', blocks: [entries.length ? { type: 'timeline', entries } : { type: 'para', text: 'No steps recorded.' }] },
      ...targetsSection(data, r),
      { heading: 'Next steps', blocks: [{ type: 'list', items: resolutionNextSteps(data, r) }] },
      { heading: 'Time spent', blocks: [timeSpent(data)] },
    ],
  };
}

function buildEscalation(data: NoteData, r: Redactor): Omit<NoteDocument, 'redactions' | 'spots'> {
  const s = data.session;
  const { title, meta } = header(data, r);
  const suspected: string[] = [];
  if (s.root_cause?.trim()) suspected.push(r.text(s.root_cause.trim()));
  if (data.fix && data.fix.decision !== 'dismissed') suspected.push(`Working hypothesis: ${r.text(data.fix.title)}${data.fix.decision ? ' (tried)' : ''}`);
  const next: string[] = [];
  const escalateNode = reachedOutcome(s, 'escalate');
  if (escalateNode?.body) next.push(r.text(escalateNode.body));
  const node = s.flow_graph && s.current_node_id ? s.flow_graph.nodes.find((n) => n.id === s.current_node_id) : undefined;
  if (node && node.kind !== 'escalate' && node.kind !== 'solution') {
    next.push(`The flow stopped at: ${r.text(node.title)}${node.options.length ? ` (open answers: ${node.options.map((o) => r.text(o.label)).join('; ')})` : ''}`);
  }
  if (s.ticket_contact) next.push(`Contact: ${r.text(s.ticket_contact)}${s.ticket_company ? ` at ${r.text(s.ticket_company)}` : ''}.`);
  if (!next.length) next.push('Review the timeline above and continue from the last check.');
  const entries = timeline(data, r);
  return {
    kind: 'escalation',
    title: `Escalation package: ${title}`,
    meta,
    stateVersion: s.state_version,
    sections: [
      problemSection(data, r),
      { heading: 'Why it is escalated', blocks: [{ type: 'para', text: s.escalation_reason ? r.text(s.escalation_reason) : 'No reason given yet.' }] },
      { heading: 'What we know', blocks: [factsBlock(data, r, 'Nothing confirmed yet.')] },
      { heading: 'What was tried', blocks: [entries.length ? { type: 'timeline', entries } : { type: 'para', text: 'Nothing was tried yet.' }] },
      ...targetsSection(data, r),
      { heading: 'Suspected cause', blocks: [suspected.length ? { type: 'list', items: suspected } : { type: 'para', text: 'Unknown.' }] },
      { heading: 'Suggested next steps', blocks: [{ type: 'list', items: next }] },
      { heading: 'Time spent so far', blocks: [timeSpent(data)] },
    ],
  };
}

/**
 * The document for a session; with `rules`, every user-provided string is redacted and marked.
 * `reveals` are the fingerprints an engineer un-hid for THIS session (see RedactionSpot).
 */
export function buildNoteDocument(kind: 'resolution' | 'escalation', data: NoteData, rules: RedactionRules | null, reveals: ReadonlySet<string> = new Set()): NoteDocument {
  if (rules && !data.session.redaction_salt?.length) throw new Error('A session row without its redaction salt cannot fingerprint redacted spots.');
  const r = new Redactor(rules, data.session.redaction_salt, reveals);
  const doc = kind === 'resolution' ? buildResolution(data, r) : buildEscalation(data, r);
  const spots = spotsOf(doc, r);
  // Counted from what the note shows (a secret in a part cut for length is not in the note).
  const redactions: Partial<Record<SecretKind, number>> = {};
  for (const spot of spots) if (!spot.revealed) redactions[spot.kind] = (redactions[spot.kind] ?? 0) + 1;
  return { ...doc, redactions, spots };
}
