// Logging the session's time to the ticket (a ConnectWise call: answered now, never queued).
import { batch, computed, signal } from '@preact/signals';
import { MAX_MINUTES, minutesOf, workSpan } from '../../../../shared/time';
import type { BillableOption, SessionDetail } from '../../common/api-types';
import type { Core } from './core';

/**
 * The session's worked minutes as the API counts them (shared/time.ts). Null when the session view does
 * not say when it started (the API then picks the default itself).
 */
export function workedMinutes(s: Pick<SessionDetail, 'createdAt' | 'endedAt' | 'lane'>): number | null {
  const start = s.createdAt ? Date.parse(s.createdAt) : NaN;
  if (Number.isNaN(start)) return null;
  return minutesOf(workSpan(start, s.endedAt ? Date.parse(s.endedAt) : null, s.lane ?? []).workMs);
}

export interface LoggedTime {
  externalId: string;
  minutes: number;
  alreadyLogged: boolean;
}

export function createTime(core: Core) {
  const { deps, session, sid } = core;
  const time = {
    /** What the engineer typed; null until they type (the field then shows the worked minutes). */
    minutes: signal<string | null>(null),
    billable: signal<BillableOption>('Billable'),
    logging: signal(false),
    /** The API's message as is (e.g. the engineer has no ConnectWise member mapped). */
    error: signal<string | null>(null),
    logged: signal<LoggedTime | null>(null),
  };
  /** The session's worked minutes, when its view says enough to count them. */
  const worked = computed(() => (session.value ? workedMinutes(session.value) : null));
  /** The minutes field: the engineer's value, else the worked minutes, else empty (the API's default). */
  const timeMinutes = computed(() => time.minutes.value ?? (worked.value === null ? '' : String(worked.value)));

  /** Logs the session's time to its ticket; the API makes a repeat a no-op that answers with the entry. */
  async function logTime() {
    const id = sid();
    if (!id || time.logging.value) return;
    const raw = timeMinutes.value.trim();
    const minutes = raw === '' ? undefined : Number(raw);
    if (minutes !== undefined && (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_MINUTES)) {
      time.error.value = `Minutes must be a whole number from 1 to ${MAX_MINUTES}.`;
      return;
    }
    const token = core.token();
    batch(() => {
      time.logging.value = true;
      time.error.value = null;
    });
    try {
      const r = await deps.call('logTime', { sessionId: id, billable: time.billable.value, ...(minutes !== undefined ? { minutes } : {}) });
      if (token !== core.token()) return;
      if (r.ok) {
        time.logged.value = { externalId: r.data.externalId, minutes: r.data.timeEntry.minutes, alreadyLogged: r.data.alreadyLogged };
      } else {
        // Not queued (the operation has no queue); should a queue ever answer, nothing reached ConnectWise yet.
        time.error.value = r.queued ? 'The time was not logged: FlowPilot is unreachable. Try again when it is back.' : r.error.message;
      }
    } finally {
      time.logging.value = false;
    }
  }

  function reset() {
    time.minutes.value = null;
    time.billable.value = 'Billable';
    time.error.value = null;
    time.logged.value = null;
  }

  return { time, worked, timeMinutes, logTime, reset };
}
