// Every stored item of the extension, declared once (background-owned unless said otherwise).
import { storage } from 'wxt/utils/storage';
import type { User } from './api-types';

/*
 * Two kinds of storage. `local` holds the tokens, the offline queue and the account: on Chrome and Edge the
 * background closes it to content scripts at start (background/storage-access.ts), so only the background and
 * the extension's own pages (popup, options) read it. What the panel reads and watches from a ConnectWise page
 * (it runs in the content script's world) lives where content scripts can read it: `sync` for the panel's
 * prefs (they must outlast a restart), CONTENT_AREA for the rest. On Chrome that is `session`, which the
 * background opens to content scripts; Firefox cannot close `local` to content scripts (its setAccessLevel, where
 * present, is for `session` only), so there those items simply stay in `local`.
 */
const CONTENT_AREA = import.meta.env.FIREFOX ? 'local' : 'session';

export const DEFAULT_API_BASE = 'http://127.0.0.1:8787';

/** Access and refresh tokens. Read and written only by the background; never sent to a page or content script. */
export interface Tokens {
  accessToken: string;
  refreshToken: string;
}
export const tokensItem = storage.defineItem<Tokens | null>('local:tokens', { fallback: null, version: 1 });

/** Who is signed in, without secrets, kept across restarts: the background and the extension's pages read it. */
export interface Account {
  user: User;
  apiBase: string;
}
export const accountItem = storage.defineItem<Account | null>('local:account', { fallback: null, version: 1 });

/**
 * Who is signed in, as the panel sees it: the background copies accountItem's user here whenever it changes
 * (and at start, as `session` is empty after a browser restart). Panels watch it to reload on sign-in and out.
 */
export const signedInUserItem = storage.defineItem<User | null>(`${CONTENT_AREA}:signedInUser`, { fallback: null, version: 1 });

export const apiBaseItem = storage.defineItem<string>('local:apiBase', { fallback: DEFAULT_API_BASE, version: 1 });

/** A write waiting for the API: replayed in order with the same Idempotency-Key, so never applied twice. */
export interface QueuedWrite {
  id: string;
  idempotencyKey: string;
  method: 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  body?: unknown;
  /** What the engineer did, for the panel ("Add fact"). */
  label: string;
  /** The session it belongs to, so a panel can refresh after replay. */
  sessionId?: string;
  enqueuedAt: number;
  attempts: number;
}
export const queueItem = storage.defineItem<QueuedWrite[]>('local:queue', { fallback: [], version: 1 });

/**
 * The queue as the panel shows it: watched by content scripts for the offline badge. Derived from queueItem,
 * so it may go with the browser session: the background recomputes it when it starts (the first replay).
 */
export interface SyncStatus {
  state: 'online' | 'offline' | 'signed_out';
  pending: number;
  /** Writes the API refused on replay (they are dropped, and said so). */
  failed: { label: string; message: string; at: number }[];
  /** Bumped after each replayed write so panels reload what changed. */
  replayedAt: number;
}
export const syncStatusItem = storage.defineItem<SyncStatus>(`${CONTENT_AREA}:syncStatus`, {
  fallback: { state: 'online', pending: 0, failed: [], replayedAt: 0 },
  version: 1,
});

export interface PanelPrefs {
  open: boolean;
  width: number;
}
export const PANEL_MIN_WIDTH = 300;
export const PANEL_MAX_WIDTH = 640;
/** Read and written by the panel itself; in `sync`, so a content script may, and it follows the engineer. */
export const panelPrefsItem = storage.defineItem<PanelPrefs>('sync:panelPrefs', { fallback: { open: true, width: 380 }, version: 1 });

/** On-premise ConnectWise hosts the admin added (match patterns, e.g. `*://cw.example-msp.com/*`). */
export const onPremHostsItem = storage.defineItem<string[]>('local:onPremHosts', { fallback: [], version: 1 });
