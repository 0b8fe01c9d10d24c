// The workspace's Maintenance section: schedules (a maintenance flow, its targets, a recurrence), their next due date,
// and the run history per target. Team admins create them; everyone reads.
import { signal, type ReadonlySignal } from '@preact/signals';
import type { OpArgs, OpResult } from '../lib/common/operations';
import type { CallApi, CallResult } from '../lib/common/protocol';
import type { Feedback } from './workspace-model';

export type Schedule = OpResult<'schedules'>['schedules'][number];
export type ScheduleRun = OpResult<'scheduleRuns'>['runs'][number];
export type Weekday = 'MO' | 'TU' | 'WE' | 'TH' | 'FR' | 'SA' | 'SU';

/** The create form as typed: targets one a line, "name" or "name | ConnectWise company identifier". */
export interface ScheduleForm {
  name: string;
  flowId: string;
  targets: string;
  freq: 'daily' | 'weekly' | 'monthly';
  /** monthly: on the nth weekday, or on a day of the month. */
  monthly: 'nth' | 'day';
  nth: 1 | 2 | 3 | 4 | -1;
  weekday: Weekday;
  monthDay: number;
  time: string;
  timeZone: string;
  startsOn: string;
  createPsaTicket: boolean;
}

export const blankForm = (today: string, timeZone: string): ScheduleForm => ({
  name: '',
  flowId: '',
  targets: '',
  freq: 'monthly',
  monthly: 'nth',
  nth: 2,
  weekday: 'TU',
  monthDay: 1,
  time: '09:00',
  timeZone,
  startsOn: today,
  createPsaTicket: true,
});

/** The API's request from the form (monthly patching on the second Tuesday is nth 2 + TU). */
export function toRequest(f: ScheduleForm): OpArgs<'createSchedule'> {
  const base = { time: f.time, timeZone: f.timeZone, startsOn: f.startsOn };
  const recurrence =
    f.freq === 'daily'
      ? { freq: f.freq, ...base }
      : f.freq === 'weekly'
        ? { freq: f.freq, byWeekday: [f.weekday], ...base }
        : f.monthly === 'nth'
          ? { freq: f.freq, nth: f.nth, byWeekday: [f.weekday], ...base }
          : { freq: f.freq, byMonthDay: f.monthDay, ...base };
  const targets = f.targets
    .split('\n')
    .map((l) => l.split('|').map((p) => p.trim()))
    .filter(([name]) => name)
    .map(([name, companyIdentifier]) => ({ name: name!, companyIdentifier: companyIdentifier || null }));
  return { name: f.name.trim(), flowId: f.flowId, recurrence, targets, createPsaTicket: f.createPsaTicket };
}

export function createSchedulesModel(call: CallApi, canManage: ReadonlySignal<boolean>, failure: (r: CallResult<unknown>) => string) {
  const schedules = signal<Schedule[]>([]);
  const feedback = signal<Feedback>(null);
  /** The run history on show: one target of one schedule. */
  const history = signal<{ scheduleId: string; targetId: string; targetName: string; runs: ScheduleRun[] } | null>(null);

  async function load() {
    const r = await call('schedules', undefined);
    if (!r.ok) {
      feedback.value = { kind: 'error', text: `Schedules did not load: ${failure(r)}` };
      return;
    }
    schedules.value = r.data.schedules;
    feedback.value = canManage.value ? null : { kind: 'ok', text: 'You can see the schedules and their runs; creating them is for team admins.' };
  }

  async function create(form: ScheduleForm): Promise<boolean> {
    const req = toRequest(form);
    if (!req.flowId) {
      feedback.value = { kind: 'error', text: 'Not created: choose the maintenance flow to run.' };
      return false;
    }
    if (!req.targets.length) {
      feedback.value = { kind: 'error', text: 'Not created: add at least one target, one a line.' };
      return false;
    }
    const r = await call('createSchedule', req);
    if (!r.ok) {
      feedback.value = { kind: 'error', text: `Not created: ${failure(r)}` };
      return false;
    }
    const s = r.data.schedule;
    // The list first: reloading it resets the message line, and this message must stay.
    await load();
    feedback.value = { kind: 'ok', text: `"${s.name}" runs ${s.recurrenceText}; next ${s.nextDueAt ? new Date(s.nextDueAt).toLocaleString() : 'never'}.` };
    return true;
  }

  async function showHistory(s: Schedule, target: Schedule['targets'][number]) {
    const r = await call('scheduleRuns', { scheduleId: s.id, targetId: target.id });
    if (!r.ok) {
      feedback.value = { kind: 'error', text: `The run history did not load: ${failure(r)}` };
      return;
    }
    history.value = { scheduleId: s.id, targetId: target.id, targetName: target.name, runs: r.data.runs };
  }

  return { schedules, feedback, history, load, create, showHistory };
}

export type SchedulesModel = ReturnType<typeof createSchedulesModel>;
