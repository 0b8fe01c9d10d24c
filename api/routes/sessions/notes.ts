// A session's documents: the resolution note and escalation package previews (ETag = state_version), and
// un-hiding a redacted spot that was a false positive.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppContext, AppEnv } from '../../lib/http.js';
import { authOf, validate, withTenant } from '../../lib/http.js';
import { NOTE_FORMATS, renderEscalationPackage, renderResolutionNote, revealSpot, type NoteFormat, type RenderedNote } from '../../services/notes/index.js';
import { withBriefing, type StoredBriefing } from '../../services/ai/briefing.js';
import { readPreferences } from '../../services/settings.js';
import { lockForWrite, sessionStateVersion } from '../../services/sessions/index.js';
import { idParam, uuid } from './params.js';

export const noteQuery = z.object({ format: z.enum(NOTE_FORMATS as [NoteFormat, ...NoteFormat[]]).optional() });
const spotParam = z.object({ id: uuid('session'), spotId: z.string().regex(/^[0-9a-f]{20}$/, 'must be a redaction spot id') });

/** True when the client's If-None-Match names this version (strong or weak, or "*"). */
function notModified(c: AppContext, version: number): boolean {
  const header = c.req.header('If-None-Match');
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === `"${version}"`;
  });
}

/** A rendered note as JSON, or as the bare document when the client asks for its media type. */
function noteResponse(c: AppContext, note: RenderedNote & { briefing?: StoredBriefing | null }) {
  c.header('ETag', `"${note.stateVersion}"`);
  c.header('Cache-Control', 'private, no-cache');
  const accept = c.req.header('Accept') ?? '';
  if (/text\/(plain|markdown|html)/.test(accept) && !accept.includes('application/json')) {
    return c.body(note.text, 200, { 'Content-Type': note.contentType });
  }
  return c.json({
    note: {
      kind: note.kind,
      format: note.format,
      text: note.text,
      contentType: note.contentType,
      stateVersion: note.stateVersion,
      redactions: note.redactions,
      redactionCount: note.redactionCount,
      // The review list: spot ids (fingerprints, never the text), kinds and marker positions.
      redactionSpots: note.spots,
      // Escalation packages only: the model's briefing (appended to text unless stale), or null.
      ...(note.briefing !== undefined ? { briefing: note.briefing } : {}),
    },
  });
}

async function previewNote(c: AppContext, kind: 'resolution' | 'escalation', id: string, format: NoteFormat | undefined) {
  const result = await withTenant(c, async (tx) => {
    const version = await sessionStateVersion(tx, id);
    // A matching ETag answers before anything is rendered.
    if (notModified(c, version)) return { notModified: version } as const;
    const chosen = format ?? (await readPreferences(tx)).noteFormat;
    if (kind === 'resolution') return { note: await renderResolutionNote(tx, id, chosen) } as const;
    const note = await renderEscalationPackage(tx, id, chosen);
    return { note: { ...note, ...(await withBriefing(tx, id, note.text, note.stateVersion, chosen)) } } as const;
  });
  if ('notModified' in result) {
    c.header('ETag', `"${result.notModified}"`);
    return c.body(null, 304);
  }
  return noteResponse(c, result.note);
}

export const noteRoutes = new Hono<AppEnv>()
  .get('/:id/resolution-note', validate('param', idParam), validate('query', noteQuery), async (c) => {
    return previewNote(c, 'resolution', c.req.valid('param').id, c.req.valid('query').format);
  })
  // Un-hides one redacted spot (a false positive) in this session's note only; bumps state_version (the note's ETag).
  .post('/:id/resolution-note/redactions/:spotId/unhide', validate('param', spotParam), async (c) => {
    const { id, spotId } = c.req.valid('param');
    const auth = authOf(c);
    const result = await withTenant(c, async (tx) => {
      const session = await lockForWrite(tx, id);
      const spot = await revealSpot(tx, auth.accountId, id, spotId, auth.userId);
      return { spot, stateVersion: session.state_version };
    });
    return c.json(result);
  })
  .get('/:id/escalation-package', validate('param', idParam), validate('query', noteQuery), async (c) => {
    return previewNote(c, 'escalation', c.req.valid('param').id, c.req.valid('query').format);
  });
