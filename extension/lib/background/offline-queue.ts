// The offline queue: writes kept in storage, sent in order with their Idempotency-Key, replayed when the API is back.
import { ApiHttpError, ApiUnreachableError, toCallError } from './api-client';
import type { RequestSpec } from '../common/operations';
import { QUEUE_LABELS } from '../common/queue-kinds';
import type { CallError, CallResult } from '../common/protocol';
import type { QueuedWrite, SyncStatus } from '../common/storage';

/** The two storage items the queue needs (WXT storage items in the extension, anything alike in tests). */
export interface Item<T> {
  getValue(): Promise<T>;
  setValue(value: T): Promise<void>;
}

export interface OfflineQueueDeps {
  queue: Item<QueuedWrite[]>;
  status: Item<SyncStatus>;
  send: (write: QueuedWrite) => Promise<unknown>;
  newId?: () => string;
  now?: () => number;
}

type Outcome = { ok: true; data: unknown } | { ok: false; error: CallError };

/** Statuses worth retrying later rather than giving up on the write. */
const RETRYABLE = new Set([408, 429, 503, 504]);

function isRetryable(err: unknown): boolean {
  if (err instanceof ApiUnreachableError) return true;
  return err instanceof ApiHttpError && (RETRYABLE.has(err.status) || err.code === 'signed_out' || err.code === 'idempotency_in_progress');
}

export function createOfflineQueue(deps: OfflineQueueDeps) {
  const newId = deps.newId ?? (() => crypto.randomUUID());
  const now = deps.now ?? (() => Date.now());
  const outcomes = new Map<string, Outcome>();
  /** Writes whose submitter is waiting for the answer; replays from an earlier run have none. */
  const waiting = new Set<string>();
  const record = (id: string, outcome: Outcome) => {
    if (waiting.has(id)) outcomes.set(id, outcome);
  };
  let lock: Promise<unknown> = Promise.resolve();
  let draining: Promise<'done' | 'stalled'> | null = null;

  /** Storage read-modify-write, one at a time, so concurrent enqueues and removals never lose an entry. */
  function mutate<T>(fn: (list: QueuedWrite[]) => { list: QueuedWrite[]; value: T }): Promise<T> {
    const run = lock.then(async () => {
      const { list, value } = fn(await deps.queue.getValue());
      await deps.queue.setValue(list);
      return value;
    });
    lock = run.catch(() => {});
    return run;
  }

  async function setStatus(patch: Partial<SyncStatus>) {
    const current = await deps.status.getValue();
    const pending = (await deps.queue.getValue()).length;
    const next = { ...current, pending, ...patch };
    if (JSON.stringify(next) !== JSON.stringify(current)) await deps.status.setValue(next);
  }

  async function drainOnce(): Promise<'done' | 'stalled'> {
    for (;;) {
      const [head] = await deps.queue.getValue();
      if (!head) {
        await setStatus({ state: 'online' });
        return 'done';
      }
      try {
        const data = await deps.send(head);
        record(head.id, { ok: true, data });
      } catch (err) {
        if (isRetryable(err)) {
          await mutate((list) => ({ list: list.map((w) => (w.id === head.id ? { ...w, attempts: w.attempts + 1 } : w)), value: null }));
          const signedOut = err instanceof ApiHttpError && err.code === 'signed_out';
          await setStatus({ state: signedOut ? 'signed_out' : 'offline' });
          return 'stalled';
        }
        // A DELETE whose first attempt landed but whose answer was lost: the row is already gone.
        if (err instanceof ApiHttpError && err.status === 404 && head.method === 'DELETE') record(head.id, { ok: true, data: null });
        else {
          const error = toCallError(err);
          record(head.id, { ok: false, error });
          const status = await deps.status.getValue();
          await deps.status.setValue({ ...status, failed: [...status.failed.slice(-9), { label: head.label, message: error.message, at: now() }] });
        }
      }
      await mutate((list) => ({ list: list.filter((w) => w.id !== head.id), value: null }));
      await setStatus({ replayedAt: now() });
    }
  }

  /** Sends queued writes in order until the queue is empty or the API is unreachable. */
  function drain(): Promise<'done' | 'stalled'> {
    draining ??= drainOnce().finally(() => {
      draining = null;
    });
    return draining;
  }

  /**
   * Queues a write and sends it in its turn. Resolves with the API's answer when it got through now,
   * or `queued` when it waits for the API to come back.
   */
  async function submit(spec: RequestSpec): Promise<CallResult<unknown>> {
    if (!spec.queue || spec.method === 'GET') throw new Error(`${spec.method} ${spec.path} is not a queued write`);
    const write: QueuedWrite = {
      id: newId(),
      idempotencyKey: newId(),
      method: spec.method,
      path: spec.path,
      body: spec.body,
      label: QUEUE_LABELS[spec.queue.kind],
      sessionId: spec.queue.sessionId,
      enqueuedAt: now(),
      attempts: 0,
    };
    waiting.add(write.id);
    await mutate((list) => ({ list: [...list, write], value: null }));
    try {
      return await sendInTurn(write);
    } finally {
      waiting.delete(write.id);
      outcomes.delete(write.id);
    }
  }

  async function sendInTurn(write: QueuedWrite): Promise<CallResult<unknown>> {
    for (;;) {
      const result = await drain();
      const outcome = outcomes.get(write.id);
      if (outcome) {
        return outcome.ok ? { ok: true, data: outcome.data } : { ok: false, error: outcome.error };
      }
      if (result === 'stalled') {
        await setStatus({});
        return { ok: false, queued: true, pending: (await deps.queue.getValue()).length };
      }
      // The drain that ran had finished before this write was stored: run another.
    }
  }

  async function pending(): Promise<number> {
    return (await deps.queue.getValue()).length;
  }

  /** Drops every waiting write, each reported as failed with `reason` (they were meant for an API the extension left). */
  async function discard(reason: string): Promise<number> {
    const dropped = await mutate((list) => ({ list: [], value: list }));
    if (!dropped.length) return 0;
    const status = await deps.status.getValue();
    const failed = [...status.failed, ...dropped.map((w) => ({ label: w.label, message: reason, at: now() }))].slice(-10);
    await deps.status.setValue({ ...status, pending: 0, failed });
    return dropped.length;
  }

  return { submit, drain, pending, discard };
}

export type OfflineQueue = ReturnType<typeof createOfflineQueue>;
