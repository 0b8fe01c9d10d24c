// Maintenance schedules at /v1/maintenance-schedules: everyone reads them and their run history; team admins manage them.
import { Hono } from 'hono';
import { z } from 'zod';
import { notFound } from '../lib/errors.js';
import type { AppEnv } from '../lib/http.js';
import { authOf, requireRole, validate, withTenant } from '../lib/http.js';
import { createSchedule, getSchedule, lastRuns, runView, scheduleInput, schedulePatch, scheduleView, updateSchedule, type RunRow, type ScheduleRow } from '../services/schedules/index.js';

const idParam = z.object({ id: z.string().uuid('must be a maintenance schedule id') });
const runsQuery = z.object({ targetId: z.string().uuid('must be a target id').optional(), limit: z.coerce.number().int().min(1).max(500).default(100) });

export const scheduleRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const schedules = await withTenant(c, async (tx) => {
      const rows = await tx<ScheduleRow[]>`select * from maintenance_schedules order by name, created_at limit 500`;
      const runs = await lastRuns(tx, rows.map((r) => r.id));
      return rows.map((r) => scheduleView(r, runs.filter((x) => x.schedule_id === r.id)));
    });
    return c.json({ schedules });
  })
  .post('/', requireRole('team_admin'), validate('json', scheduleInput), async (c) => {
    const auth = authOf(c);
    const body = c.req.valid('json');
    const row = await withTenant(c, (tx) => createSchedule(tx, auth, body, c.get('deps').now()));
    return c.json({ schedule: scheduleView(row) }, 201);
  })
  .get('/:id', validate('param', idParam), async (c) => {
    const { id } = c.req.valid('param');
    const schedule = await withTenant(c, async (tx) => {
      const row = await getSchedule(tx, id);
      return scheduleView(row, await lastRuns(tx, [id]));
    });
    return c.json({ schedule });
  })
  .patch('/:id', requireRole('team_admin'), validate('param', idParam), validate('json', schedulePatch), async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const schedule = await withTenant(c, async (tx) => {
      const row = await updateSchedule(tx, id, body, c.get('deps').now());
      return scheduleView(row, await lastRuns(tx, [id]));
    });
    return c.json({ schedule });
  })
  .delete('/:id', requireRole('team_admin'), validate('param', idParam), async (c) => {
    const { id } = c.req.valid('param');
    const deleted = await withTenant(c, async (tx) => (await tx`delete from maintenance_schedules where id = ${id}`).count);
    if (!deleted) throw notFound('Maintenance schedule');
    return c.json({ deleted: true });
  })
  .get('/:id/runs', validate('param', idParam), validate('query', runsQuery), async (c) => {
    const { id } = c.req.valid('param');
    const q = c.req.valid('query');
    const runs = await withTenant(c, async (tx) => {
      await getSchedule(tx, id);
      return tx<RunRow[]>`
        select * from maintenance_runs where schedule_id = ${id} and (${q.targetId ?? null}::uuid is null or target_id = ${q.targetId ?? null})
        order by due_at desc, target_name limit ${q.limit}`;
    });
    return c.json({ runs: runs.map(runView) });
  });
