// Writes waiting in the offline queue, as the panel shows them, and the background's sync status.
import { computed, signal } from '@preact/signals';
import type { QueueKind } from '../../common/queue-kinds';
import type { SyncStatus } from '../../common/storage';
import type { Core } from './core';

export interface QueuedItem {
  id: string;
  kind: QueueKind;
  text?: string;
}

export function createSync(core: Core, reloadSession: () => Promise<void>) {
  const sync = signal<SyncStatus>({ state: 'online', pending: 0, failed: [], replayedAt: 0 });
  const queued = signal<QueuedItem[]>([]);
  const offline = computed(() => sync.value.state !== 'online' && sync.value.pending > 0);

  // A counter, not crypto.randomUUID(): the content script on an http (on-premise) page is not a secure context.
  let queuedSeq = 0;
  function queue(kind: QueueKind, text?: string) {
    queued.value = [...queued.value, { id: `q${++queuedSeq}`, kind, text }];
  }

  /** The background replayed queued writes (or the queue state changed). */
  function setSync(next: SyncStatus) {
    const prev = sync.value;
    sync.value = next;
    if (next.replayedAt !== prev.replayedAt && core.session.value) void reloadSession();
    if (next.pending === 0 && prev.pending > 0) {
      queued.value = [];
      core.notice.value = null;
    }
  }

  return { sync, queued, offline, queue, setSync };
}

export type SyncPart = ReturnType<typeof createSync>;
