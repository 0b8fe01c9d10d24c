// The workspace's session history: searched and paged by the API (words, status, engineer, date range), and one
// session read-only with its note and its share links (create, copy, revoke).
import { computed, signal, type ReadonlySignal } from '@preact/signals';
import type { SessionStatus } from '../../shared/sessions';
import type { OpResult, SessionSearch } from '../lib/common/operations';
import type { CallApi, CallResult } from '../lib/common/protocol';
import type { Feedback } from './workspace-model';

export type HistoryItem = OpResult<'sessionHistory'>['sessions'][number];
export type HistoryView = OpResult<'sessionHistoryView'>;
export type ShareLink = HistoryView['shares'][number];
export type Engineer = { id: string; name: string };

export interface HistoryFilter {
  text: string;
  status: SessionStatus | '';
  engineer: string;
  /** YYYY-MM-DD, as a date input gives it ('' for open-ended). */
  from: string;
  to: string;
}

export const PAGE_SIZE = 25;
/** Typing waits this long for the next key before it asks the API. */
export const TYPING_MS = 250;
const EMPTY: HistoryFilter = { text: '', status: '', engineer: '', from: '', to: '' };

/** The filter as the API's query: blanks left out, a reversed date range refused here rather than sent. */
export function searchOf(f: HistoryFilter): { ok: true; search: SessionSearch } | { ok: false; error: string } {
  if (f.from && f.to && f.from > f.to) return { ok: false, error: 'The "from" date is after the "to" date.' };
  const q = f.text.trim();
  return {
    ok: true,
    search: { ...(q ? { q } : {}), ...(f.status ? { status: [f.status] } : {}), ...(f.engineer ? { engineer: f.engineer } : {}), ...(f.from ? { from: f.from } : {}), ...(f.to ? { to: f.to } : {}) },
  };
}

/** When a link stops working, in words ("expires 12/7/2026, 10:00 AM", "revoked", "expired"). */
export function shareState(s: ShareLink, now = new Date()): string {
  if (s.revokedAt) return 'revoked';
  if (new Date(s.expiresAt) <= now) return 'expired';
  return `expires ${new Date(s.expiresAt).toLocaleString()}`;
}

interface Options {
  call: CallApi;
  canEdit: ReadonlySignal<boolean>;
  failure: (r: CallResult<unknown>) => string;
  copy: (text: string) => Promise<void>;
  confirm: (question: string) => boolean;
}

export function createSessionsModel({ call, canEdit, failure, copy, confirm }: Options) {
  const filter = signal<HistoryFilter>(EMPTY);
  const items = signal<HistoryItem[]>([]);
  const nextCursor = signal<string | null>(null);
  const feedback = signal<Feedback>(null);
  /** True while a first page is on its way (the list keeps its place; the line below it says so). */
  const searching = signal(false);
  const loadingMore = signal(false);
  const engineers = signal<Engineer[]>([]);

  const viewing = signal<HistoryView | null>(null);
  const shares = computed(() => viewing.value?.shares ?? []);
  /** A link just made: the only time its URL exists (the API stores a hash), so it is offered for copying now. */
  const created = signal<{ shareId: string; url: string } | null>(null);
  const shareFeedback = signal<Feedback>(null);

  // Each search supersedes the one before: an answer to an older one (slower, earlier keys) is dropped.
  let generation = 0;
  let typingTimer: ReturnType<typeof setTimeout> | undefined;

  async function search() {
    clearTimeout(typingTimer);
    const mine = ++generation;
    const s = searchOf(filter.value);
    if (!s.ok) {
      searching.value = false;
      feedback.value = { kind: 'error', text: s.error };
      return;
    }
    searching.value = true;
    const r = await call('sessionHistory', { ...s.search, limit: PAGE_SIZE });
    if (mine !== generation) return;
    searching.value = false;
    if (!r.ok) {
      feedback.value = { kind: 'error', text: `Sessions did not load: ${failure(r)}` };
      return;
    }
    items.value = r.data.sessions;
    nextCursor.value = r.data.nextCursor;
    const filtered = Object.values(s.search).length > 0;
    feedback.value = r.data.sessions.length ? null : { kind: 'ok', text: filtered ? 'No session matches.' : 'No sessions yet.' };
  }

  /** Words search once typing pauses; the pickers search at once. */
  function setFilter(patch: Partial<HistoryFilter>, opts: { typing?: boolean } = {}) {
    filter.value = { ...filter.value, ...patch };
    clearTimeout(typingTimer);
    if (opts.typing) {
      // The list is stale from the first key: say so now, not only once the request leaves.
      searching.value = true;
      typingTimer = setTimeout(() => void search(), TYPING_MS);
    }
    else void search();
  }

  async function loadMore() {
    const cursor = nextCursor.value;
    const s = searchOf(filter.value);
    if (!cursor || !s.ok || loadingMore.value) return;
    const mine = generation;
    loadingMore.value = true;
    const r = await call('sessionHistory', { ...s.search, cursor, limit: PAGE_SIZE });
    loadingMore.value = false;
    if (mine !== generation) return;
    if (!r.ok) {
      feedback.value = { kind: 'error', text: `More sessions did not load: ${failure(r)}` };
      return;
    }
    const seen = new Set(items.value.map((x) => x.id));
    items.value = [...items.value, ...r.data.sessions.filter((x) => !seen.has(x.id))];
    nextCursor.value = r.data.nextCursor;
  }

  /** The engineer picker's choices: everyone on the team (a disabled user's sessions stay in the history). */
  async function loadEngineers() {
    const r = await call('team', undefined);
    if (r.ok) engineers.value = r.data.users.map((u) => ({ id: u.id, name: u.disabled ? `${u.name} (disabled)` : u.name }));
  }

  async function load() {
    await Promise.all([search(), engineers.value.length ? null : loadEngineers()]);
  }

  async function open(sessionId: string) {
    const r = await call('sessionHistoryView', { sessionId });
    if (!r.ok) {
      feedback.value = { kind: 'error', text: `The session did not open: ${failure(r)}` };
      return;
    }
    viewing.value = r.data;
    created.value = null;
    shareFeedback.value = null;
  }

  async function createShare() {
    const v = viewing.value;
    if (!v || !canEdit.value) return;
    shareFeedback.value = { kind: 'busy', text: 'Making a share link…' };
    const r = await call('createShare', { sessionId: v.session.id });
    if (!r.ok) {
      shareFeedback.value = { kind: 'error', text: `No link made: ${failure(r)}` };
      return;
    }
    // The list as the API gives it (with who made each link); the new link alone if that read fails.
    const listed = await call('listShares', { sessionId: v.session.id });
    if (viewing.value?.session.id !== v.session.id) return;
    viewing.value = { ...viewing.value, shares: listed.ok ? listed.data.shares : [r.data.share, ...viewing.value.shares] };
    created.value = { shareId: r.data.share.id, url: r.data.url };
    shareFeedback.value = { kind: 'ok', text: `Link made; it ${shareState(r.data.share)}. Copy it now: it is shown only once.` };
  }

  async function copyCreated() {
    const c = created.value;
    if (!c) return;
    try {
      await copy(c.url);
      shareFeedback.value = { kind: 'ok', text: 'Link copied.' };
    } catch {
      shareFeedback.value = { kind: 'error', text: 'The clipboard refused the link; select it and copy it by hand.' };
    }
  }

  async function revokeShare(link: ShareLink) {
    const v = viewing.value;
    if (!v || !confirm('Revoke this share link? Anyone holding it loses access at once.')) return;
    const r = await call('revokeShare', { sessionId: v.session.id, shareId: link.id });
    if (!r.ok) {
      shareFeedback.value = { kind: 'error', text: `Not revoked: ${failure(r)}` };
      return;
    }
    if (viewing.value?.session.id === v.session.id) {
      viewing.value = { ...viewing.value, shares: viewing.value.shares.map((s) => (s.id === link.id ? r.data.share : s)) };
    }
    if (created.value?.shareId === link.id) created.value = null;
    shareFeedback.value = { kind: 'ok', text: 'Link revoked: it no longer opens.' };
  }

  return {
    filter,
    items,
    nextCursor,
    feedback,
    searching,
    loadingMore,
    engineers,
    viewing,
    shares,
    created,
    shareFeedback,
    canShare: computed(() => canEdit.value),
    load,
    search,
    setFilter,
    loadMore,
    open,
    createShare,
    copyCreated,
    revokeShare,
  };
}

export type SessionsModel = ReturnType<typeof createSessionsModel>;
