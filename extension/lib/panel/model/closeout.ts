// Close-out as one action: root cause, audience, status, "email the customer" and minutes, then one call that
// posts the note, logs the time, changes the status and resolves, each step once and reported.
import { batch, computed, signal } from '@preact/signals';
import { MAX_MINUTES } from '../../../../shared/time';
import type { BoardStatuses, CloseOutStep, SessionDetail } from '../../common/api-types';
import { failMessage, type Core, type Load } from './core';

export type Audience = { internal: boolean; discussion: boolean; resolution: boolean };

/** The steps one close-out runs, in the API's order (time before status: a closed status may refuse time). */
export const CLOSE_OUT_STEPS = [
  { step: 'note', label: 'Post the note' },
  { step: 'time', label: 'Log the time' },
  { step: 'status', label: 'Change the status' },
  { step: 'resolve', label: 'Resolve the session' },
] as const;

/** The root cause to offer before the engineer types one: the session's, else the accepted fix's title. */
export function defaultRootCause(s: Pick<SessionDetail, 'rootCause' | 'activeFix'> | null): string {
  if (!s) return '';
  if (s.rootCause) return s.rootCause;
  return s.activeFix?.accepted ? s.activeFix.title : '';
}

/** Close-out is offered once a fix is accepted on an open session (and stays to show its results). */
export function closeOutReady(s: SessionDetail | null): boolean {
  return !!s && (s.status === 'active' || s.status === 'paused') && !!s.activeFix?.accepted;
}

export function createCloseOut(core: Core, opts: { workedMinutes: () => string; editedNote: () => string | null; afterCloseOut: () => void }) {
  const { deps, session, sid } = core;
  const closeOut = {
    /** What the engineer typed; null until they type (the field shows defaultRootCause). */
    rootCause: signal<string | null>(null),
    /** Null until the account's note defaults arrive. */
    audience: signal<Audience | null>(null),
    statuses: signal<BoardStatuses | null>(null),
    statusesLoad: signal<Load>('idle'),
    statusesError: signal<string | null>(null),
    /** The status to set; null leaves the ticket's status alone. */
    statusId: signal<number | null>(null),
    emailCustomer: signal(false),
    /** What the engineer typed; null until they type (the field shows the worked minutes). */
    minutes: signal<string | null>(null),
    running: signal(false),
    steps: signal<CloseOutStep[] | null>(null),
    complete: signal(false),
    error: signal<string | null>(null),
  };
  const rootCauseText = computed(() => closeOut.rootCause.value ?? defaultRootCause(session.value));
  const minutesText = computed(() => closeOut.minutes.value ?? opts.workedMinutes());

  let defaultsLoaded = false;
  async function loadAudience() {
    if (defaultsLoaded) return;
    defaultsLoaded = true;
    const r = await deps.call('getSettings', undefined);
    // Without the settings, the API's own defaults: internal, not the resolution.
    const d = r.ok ? r.data.settings.noteDefaults : { internal: true, resolution: false };
    closeOut.audience.value ??= { internal: d.internal, resolution: d.resolution, discussion: !d.internal && !d.resolution };
  }

  /** The ticket's board statuses for the picker (the API caches them per board). */
  async function loadStatuses(refresh = false) {
    const id = sid();
    if (!id || closeOut.statusesLoad.value === 'loading') return;
    closeOut.statusesLoad.value = 'loading';
    closeOut.statusesError.value = null;
    const r = await deps.call('boardStatuses', { sessionId: id, ...(refresh ? { refresh: true } : {}) });
    if (sid() !== id) return;
    batch(() => {
      if (r.ok) {
        closeOut.statuses.value = r.data;
        closeOut.statusesLoad.value = 'ready';
      } else {
        closeOut.statusesLoad.value = 'error';
        closeOut.statusesError.value = failMessage(r) ?? 'The statuses need the API: they load when FlowPilot is reachable.';
      }
    });
  }

  /**
   * Records the root cause (as typed, or the prefilled one the card opens with) so the note preview shows it
   * before anything is posted; close-out sends it again, so a failure here loses nothing.
   */
  async function saveRootCause() {
    const id = sid();
    const text = rootCauseText.value.trim();
    if (!id || text === (session.value?.rootCause ?? '')) return false;
    const r = await deps.call('setRootCause', { sessionId: id, rootCause: text || null });
    if (r.ok && sid() === id) session.value = r.data.session;
    else if (!r.ok) closeOut.error.value = failMessage(r) ?? 'The root cause is kept here and sent with the close-out.';
    return r.ok;
  }

  /** One call: the API runs each step exactly once, so calling again after a failure retries only what is not done. */
  async function run() {
    const id = sid();
    if (!id || closeOut.running.value) return;
    const raw = minutesText.value.trim();
    const minutes = raw === '' ? undefined : Number(raw);
    if (minutes !== undefined && (!Number.isInteger(minutes) || minutes < 0 || minutes > MAX_MINUTES)) {
      closeOut.error.value = `Minutes must be a whole number from 0 to ${MAX_MINUTES} (0 logs no time).`;
      return;
    }
    const a = closeOut.audience.value;
    if (a && !a.internal && !a.discussion && !a.resolution) {
      closeOut.error.value = 'Choose where the note shows: internal, discussion or resolution.';
      return;
    }
    const edited = opts.editedNote();
    batch(() => {
      closeOut.running.value = true;
      closeOut.error.value = null;
      closeOut.steps.value = null;
    });
    try {
      const r = await deps.call('closeOut', {
        sessionId: id,
        rootCause: rootCauseText.value.trim() || null,
        ...(a ? { flags: a } : {}),
        ...(edited !== null ? { text: edited } : {}),
        ...(closeOut.statusId.value !== null ? { statusId: closeOut.statusId.value } : {}),
        emailCustomer: closeOut.emailCustomer.value,
        ...(minutes !== undefined ? { minutes } : {}),
      });
      if (sid() !== id) return;
      if (r.ok) {
        batch(() => {
          closeOut.steps.value = r.data.steps;
          closeOut.complete.value = r.data.complete;
          session.value = r.data.session;
        });
        opts.afterCloseOut();
      } else {
        // Never queued: nothing reached ConnectWise if FlowPilot could not be reached.
        closeOut.error.value = r.queued ? 'FlowPilot is unreachable: nothing was posted. Close out again when it is back.' : r.error.message;
      }
    } finally {
      closeOut.running.value = false;
    }
  }

  function reset() {
    batch(() => {
      closeOut.rootCause.value = null;
      closeOut.statuses.value = null;
      closeOut.statusesLoad.value = 'idle';
      closeOut.statusesError.value = null;
      closeOut.statusId.value = null;
      closeOut.emailCustomer.value = false;
      closeOut.minutes.value = null;
      closeOut.steps.value = null;
      closeOut.complete.value = false;
      closeOut.error.value = null;
    });
  }

  return { closeOut, rootCauseText, minutesText, loadAudience, loadStatuses, saveRootCause, runCloseOut: run, resetCloseOut: reset };
}
