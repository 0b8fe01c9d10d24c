// Brings the offline queue back to the API: backoff timers while the worker lives, an alarm after it sleeps.
import { browser } from 'wxt/browser';
import type { OfflineQueue } from './offline-queue';
import { syncStatusItem } from '../common/storage';

export const REPLAY_ALARM = 'flowpilot-replay';
const MAX_DELAY_MS = 10_000;

export function setupReplay(queue: OfflineQueue) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let delay = 1000;

  async function attempt() {
    timer = undefined;
    const result = await queue.drain().catch(() => 'stalled' as const);
    if (result === 'stalled') {
      const status = await syncStatusItem.getValue();
      // Signed out: wait for sign-in (which drains) rather than hammering the API.
      if (status.state === 'offline') schedule();
    } else {
      delay = 1000;
    }
  }

  function schedule() {
    if (timer) return;
    timer = setTimeout(() => void attempt(), delay);
    delay = Math.min(delay * 2, MAX_DELAY_MS);
  }

  // A write that just got queued starts the backoff.
  syncStatusItem.watch((status) => {
    if (status.state === 'offline' && status.pending > 0) schedule();
  });
  void browser.alarms.create(REPLAY_ALARM, { periodInMinutes: 0.5 });
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === REPLAY_ALARM) void attempt();
  });
  // Writes left from before a browser restart.
  void attempt();

  return {
    now: async () => {
      delay = 1000;
      await attempt();
      return { pending: await queue.pending() };
    },
  };
}
