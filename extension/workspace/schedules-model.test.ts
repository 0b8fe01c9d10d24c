// The Maintenance section's model over a scripted API: what a team admin reads after creating a schedule.
import { signal } from '@preact/signals';
import { describe, expect, it } from 'vitest';
import type { CallResult } from '../lib/common/protocol';
import { blankForm, createSchedulesModel, type Schedule } from './schedules-model';

const schedule = { id: 's1', name: 'Monthly patching: Northwind servers', recurrenceText: 'monthly on the second Tuesday at 09:00 (UTC)', nextDueAt: '2026-12-08T09:00:00Z', targets: [] } as unknown as Schedule;

describe('the maintenance schedules model', () => {
  it('keeps the "created" message on screen after the list reloads', async () => {
    const list: Schedule[] = [];
    const call = (async (op: string) => {
      if (op === 'createSchedule') {
        list.push(schedule);
        return { ok: true, data: { schedule } };
      }
      return { ok: true, data: { schedules: [...list] } };
    }) as never;
    const m = createSchedulesModel(call, signal(true), (r: CallResult<unknown>) => JSON.stringify(r));
    await m.load();
    const created = await m.create({ ...blankForm('2026-12-04', 'UTC'), name: schedule.name, flowId: 'f1', targets: 'NW-SQL01 | Northwind' });
    expect(created).toBe(true);
    expect(m.schedules.value.map((s) => s.name)).toEqual([schedule.name]);
    expect(m.feedback.value).toMatchObject({ kind: 'ok' });
    expect(m.feedback.value?.text).toContain('"Monthly patching: Northwind servers" runs monthly on the second Tuesday');
  });
});
