// Session history at /v1/session-history: search every session of the account (ticket, company, engineer, status, dates) page by page, and a read-only view with its note and share links.
import { Hono } from 'hono';
import { z } from 'zod';
import type { Tx } from '../db/database.js';
import { badRequest } from '../lib/errors.js';
import type { AppEnv } from '../lib/http.js';
import { authOf, validate, withTenant } from '../lib/http.js';
import { renderEscalationPackage, renderResolutionNote } from '../services/notes/index.js';
import { sessionDetail, sessionSummaryView, type SessionRow } from '../services/sessions/index.js';
import { readPreferences } from '../services/settings.js';
import { listShareLinks } from '../services/sharing.js';

const STATUSES = ['active', 'paused', 'resolved', 'escalated', 'abandoned'] as const;
const realDate = (s: string) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD').refine(realDate, 'must be a real date');

const searchQuery = z.object({
  /** Words in the ticket's summary or company, or a ticket number (prefix). */
  q: z.string().trim().max(200).optional(),
  ticket: z.string().regex(/^\d{1,12}$/, 'must be a ticket number').optional(),
  company: z.string().trim().min(1).max(300).optional(),
  engineer: z.string().uuid('must be a user id').optional(),
  /** One status or several, comma-separated. */
  status: z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()))
    .pipe(z.array(z.enum(STATUSES)).min(1).max(5))
    .optional(),
  /** Sessions started on or after this day, and on or before `to` (UTC). */
  from: isoDate.optional(),
  to: isoDate.optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});
const idParam = z.object({ id: z.string().uuid('must be a session id') });

type Cursor = { at: string; id: string };
const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify([c.at, c.id])).toString('base64url');
function decodeCursor(raw: string): Cursor {
  try {
    const [at, id] = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof at === 'string' && !Number.isNaN(Date.parse(at)) && typeof id === 'string' && z.string().uuid().safeParse(id).success) return { at, id };
  } catch {
    /* falls through to the 400 */
  }
  throw badRequest('Invalid query: cursor is not one this API gave out; start again without it.');
}

/** LIKE patterns match what was typed literally. */
const contains = (s: string) => `%${s.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

type HistoryRow = SessionRow & { engineer_name: string | null; flow_title: string | null };

async function search(tx: Tx, q: z.output<typeof searchQuery>) {
  const cursor = q.cursor ? decodeCursor(q.cursor) : null;
  const words = q.q ? q.q.split(/\s+/).filter(Boolean).slice(0, 8) : [];
  const rows = await tx<HistoryRow[]>`
    select s.*, u.name as engineer_name, f.title as flow_title
    from ai_sessions s left join users u on u.id = s.user_id left join flows f on f.id = s.flow_id
    where true
      ${q.ticket ? tx`and s.ticket_external_id = ${q.ticket}` : tx``}
      ${q.company ? tx`and s.ticket_company ilike ${contains(q.company)}` : tx``}
      ${q.engineer ? tx`and s.user_id = ${q.engineer}` : tx``}
      ${q.status ? tx`and s.status = any(${q.status}::text[])` : tx``}
      ${q.from ? tx`and s.created_at >= ${q.from}::date` : tx``}
      ${q.to ? tx`and s.created_at < ${q.to}::date + 1` : tx``}
      ${words.reduce(
        (all, w) => (/^\d+$/.test(w) ? tx`${all} and (s.ticket_external_id like ${w + '%'} or s.ticket_summary ilike ${contains(w)})` : tx`${all} and (s.ticket_summary ilike ${contains(w)} or s.ticket_company ilike ${contains(w)})`),
        tx``,
      )}
      ${cursor ? tx`and (s.created_at, s.id) < (${cursor.at}::timestamptz, ${cursor.id}::uuid)` : tx``}
    order by s.created_at desc, s.id desc
    limit ${q.limit + 1}`;
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    sessions: page.map((r) => ({ ...sessionSummaryView(r), engineer: r.engineer_name, flowTitle: r.flow_title })),
    nextCursor: rows.length > q.limit && last ? encodeCursor({ at: last.created_at.toISOString(), id: last.id }) : null,
  };
}

/** What went to ConnectWise (the posted text), else the note as it would be posted now (redacted, the account's format). */
async function noteOf(tx: Tx, s: SessionRow, kind: 'resolution' | 'escalation') {
  const outboxKind = kind === 'resolution' ? 'resolution_note' : 'escalation_package';
  const [posted] = await tx<[{ note_text: string; posted_at: Date; external_note_id: string | null }?]>`
    select note_text, posted_at, external_note_id from psa_note_outbox
    where session_id = ${s.id} and kind = ${outboxKind} and status = 'posted' order by posted_at desc limit 1`;
  if (posted) return { kind, posted: true, postedAt: posted.posted_at.toISOString(), externalId: posted.external_note_id, text: posted.note_text };
  const format = (await readPreferences(tx)).noteFormat;
  const rendered = await (kind === 'resolution' ? renderResolutionNote : renderEscalationPackage)(tx, s.id, format);
  return { kind, posted: false, postedAt: null, externalId: null, text: rendered.text, format: rendered.format };
}

export const sessionHistoryRoutes = new Hono<AppEnv>()
  .get('/', validate('query', searchQuery), async (c) => {
    const q = c.req.valid('query');
    if (q.from && q.to && q.from > q.to) throw badRequest('Invalid query: from must not be after to.');
    return c.json(await withTenant(c, (tx) => search(tx, q)));
  })
  .get('/:id', validate('param', idParam), async (c) => {
    const { id } = c.req.valid('param');
    const deps = c.get('deps');
    const auth = authOf(c);
    const view = await withTenant(c, async (tx) => {
      const session = await sessionDetail(tx, id);
      const [row] = await tx<[HistoryRow]>`
        select s.*, u.name as engineer_name, f.title as flow_title
        from ai_sessions s left join users u on u.id = s.user_id left join flows f on f.id = s.flow_id where s.id = ${id}`;
      const note = row.status === 'escalated' ? await noteOf(tx, row, 'escalation') : await noteOf(tx, row, 'resolution');
      // Share links as the sessions API lists them: a team admin sees every link, others their own.
      const shares = await listShareLinks(tx, deps, auth, id);
      return { session, engineer: row.engineer_name, flowTitle: row.flow_title, note, shares };
    });
    return c.json(view);
  });
