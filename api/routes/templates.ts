// The script library: drafts waiting for review (with the "N scripts ready to review" count), approval
// into script templates with provenance, and counting each use of a template.
// Engineers and up review drafts: the team lead is usually an engineer too; viewers only read.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../lib/http.js';
import { authOf, requireRole, validate, withTenant } from '../lib/http.js';
import { appendLane, getSession, lockForWrite } from '../services/sessions/index.js';
import {
  approveDraft,
  dismissDraft,
  draftView,
  getScriptTemplate,
  listDrafts,
  listScriptTemplates,
  pendingDraftCount,
  scriptTemplateView,
  useScriptTemplate,
} from '../services/sessions/templates.js';

const idParam = z.object({ id: z.string().uuid('must be a template id') });

const approveBody = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    description: z.string().trim().max(2000).optional(),
    body: z.string().trim().min(1).max(50_000).optional(),
    language: z.enum(['powershell', 'cmd', 'bash', 'python', 'other']).optional(),
    tags: z.array(z.string().trim().min(1).max(60)).max(30).optional(),
  })
  .default({});

export const draftTemplateRoutes = new Hono<AppEnv>()
  // The panel's badge: one count, without listing the drafts.
  .get('/count', async (c) => c.json({ pending: await withTenant(c, pendingDraftCount) }))
  .get('/', validate('query', z.object({ status: z.enum(['pending', 'approved', 'dismissed']).default('pending') })), async (c) => {
    const { status } = c.req.valid('query');
    const { drafts, pendingCount } = await withTenant(c, (tx) => listDrafts(tx, status));
    return c.json({ drafts: drafts.map(draftView), pendingCount });
  })
  .post('/:id/approve', requireRole('engineer'), validate('param', idParam), validate('json', approveBody), async (c) => {
    const { id } = c.req.valid('param');
    const input = c.req.valid('json');
    const auth = authOf(c);
    const result = await withTenant(c, async (tx) => {
      const { draft } = await approveDraft(tx, id, auth.userId, input);
      return { draft: draftView(draft), template: scriptTemplateView(await getScriptTemplate(tx, draft.script_template_id!)) };
    });
    return c.json(result, 201);
  })
  .post('/:id/dismiss', requireRole('engineer'), validate('param', idParam), async (c) => {
    const { id } = c.req.valid('param');
    const auth = authOf(c);
    const draft = await withTenant(c, (tx) => dismissDraft(tx, id, auth.userId));
    return c.json({ draft: draftView(draft) });
  });

export const scriptTemplateRoutes = new Hono<AppEnv>()
  .get('/', validate('query', z.object({ language: z.string().max(20).optional(), limit: z.coerce.number().int().min(1).max(500).default(200) })), async (c) => {
    const q = c.req.valid('query');
    const rows = await withTenant(c, (tx) => listScriptTemplates(tx, q));
    return c.json({ templates: rows.map(scriptTemplateView) });
  })
  .get('/:id', validate('param', idParam), async (c) => {
    const { id } = c.req.valid('param');
    return c.json({ template: scriptTemplateView(await withTenant(c, (tx) => getScriptTemplate(tx, id))) });
  })
  /**
   * Counts a use of the template. With a sessionId, the script is also recorded on that session's
   * timeline as a command run from the library (a note-changing write, so state_version rises).
   */
  .post('/:id/use', validate('param', idParam), validate('json', z.object({ sessionId: z.string().uuid().nullish() }).default({})), async (c) => {
    const { id } = c.req.valid('param');
    const { sessionId } = c.req.valid('json');
    const auth = authOf(c);
    const result = await withTenant(c, async (tx) => {
      const template = await useScriptTemplate(tx, id);
      let laneItemId: string | null = null;
      if (sessionId) {
        await getSession(tx, sessionId);
        await lockForWrite(tx, sessionId);
        const item = await appendLane(tx, sessionId, { kind: 'command', by: auth.userId, text: template.body, templateId: template.id });
        laneItemId = item.id;
      }
      return { template: scriptTemplateView(await getScriptTemplate(tx, template.id)), laneItemId };
    });
    return c.json(result);
  });
