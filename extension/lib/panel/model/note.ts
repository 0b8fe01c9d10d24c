// The resolution note: its preview (in the account's or the engineer's format), the redaction review,
// and posting it to the ticket.
import { batch, computed, signal } from '@preact/signals';
import type { NoteFormat } from '../../../../shared/notes';
import type { NotePreview, RedactionSpot } from '../../common/api-types';
import { failMessage, type Core, type Load } from './core';
import type { SyncPart } from './sync';

/** The note text of a preview: the JSON answer's, or a plain-text answer as is. */
export function noteText(data: NotePreview | string): string {
  return typeof data === 'string' ? data : data.note.text;
}

/** The review list of the note's redacted spots (JSON answers only; a plain-text answer has none). */
export function noteSpots(data: NotePreview | string): RedactionSpot[] {
  const list: unknown = typeof data === 'string' ? undefined : data.note?.redactionSpots;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (x): x is RedactionSpot => !!x && typeof x === 'object' && typeof (x as RedactionSpot).id === 'string' && typeof (x as RedactionSpot).kind === 'string',
  );
}

const KIND_LABEL: Record<string, [string, string]> = {
  password: ['password', 'passwords'],
  'api key': ['key', 'keys'],
  'private key': ['private key', 'private keys'],
  'pre-shared key': ['Wi-Fi/VPN key', 'Wi-Fi/VPN keys'],
  token: ['token', 'tokens'],
  'connection string': ['connection string', 'connection strings'],
  'card number': ['card number', 'card numbers'],
  webhook: ['webhook', 'webhooks'],
  'recovery code': ['code', 'codes'],
  'account pattern': ['account pattern match', 'account pattern matches'],
  'account word': ['account word', 'account words'],
};

/** "3 hidden: 1 password, 2 keys" (null when nothing is hidden). */
export function hiddenSummary(spots: readonly RedactionSpot[]): string | null {
  const hidden = spots.filter((s) => !s.revealed);
  if (!hidden.length) return null;
  const byLabel = new Map<string, { n: number; one: string; many: string }>();
  for (const s of hidden) {
    const [one, many] = KIND_LABEL[s.kind] ?? [s.kind, `${s.kind}s`];
    const row = byLabel.get(one) ?? { n: 0, one, many };
    row.n++;
    byLabel.set(one, row);
  }
  return `${hidden.length} hidden: ${[...byLabel.values()].map((r) => `${r.n} ${r.n === 1 ? r.one : r.many}`).join(', ')}`;
}

/** The label of one kind, singular ("password", "key"). */
export const kindLabel = (kind: string) => (KIND_LABEL[kind] ?? [kind])[0]!;

export function createNote(core: Core, sync: SyncPart, reloadSession: () => Promise<void>) {
  const { deps, session, sid, run } = core;
  const note = {
    format: signal<NoteFormat>('markdown'),
    text: signal(''),
    /** The redacted spots of the preview, in marker order (then the ones un-hidden for this session). */
    spots: signal<RedactionSpot[]>([]),
    /** The spot being un-hidden, while the API answers. */
    unhiding: signal<string | null>(null),
    draft: signal<string | null>(null),
    load: signal<Load>('idle'),
    error: signal<string | null>(null),
    internal: signal(true),
    resolution: signal(false),
    /** Optional: the ticket status to set when posting (e.g. "Waiting on Client"). */
    status: signal(''),
    confirming: signal(false),
    posting: signal(false),
    postedQueued: signal(false),
  };
  const posted = computed(() => Boolean(session.value?.resolutionNote.postedAt) || note.postedQueued.value);

  let defaultsLoaded = false;
  /** Set once the engineer picks a format, so the account default never overrides their choice. */
  let formatChosen = false;
  /** The account's note defaults (format, internal / resolution) preset the preview and post flags once per panel. */
  async function loadNoteDefaults() {
    if (defaultsLoaded) return;
    defaultsLoaded = true;
    const r = await deps.call('getSettings', undefined);
    if (!r.ok) return;
    const { noteDefaults, noteFormat } = r.data.settings;
    note.internal.value = noteDefaults.internal;
    note.resolution.value = noteDefaults.resolution;
    if (!formatChosen) note.format.value = noteFormat;
  }

  async function loadNote(chosen?: NoteFormat) {
    const id = sid();
    if (!id) return;
    if (chosen) formatChosen = true;
    // The first preview waits for the account defaults so it opens in the account's note format.
    await loadNoteDefaults();
    const format = chosen ?? note.format.value;
    note.format.value = format;
    note.load.value = 'loading';
    note.error.value = null;
    const r = await deps.call('resolutionNote', { sessionId: id, format });
    if (r.ok) {
      batch(() => {
        note.text.value = noteText(r.data);
        note.spots.value = noteSpots(r.data);
        note.load.value = 'ready';
      });
    } else {
      batch(() => {
        note.load.value = 'error';
        note.error.value = failMessage(r) ?? 'The note preview needs the API: it will load when FlowPilot is reachable.';
      });
    }
  }

  /**
   * Un-hides a false positive in this note only: the API records it for this session (never the
   * account's rules, never model prompts) and bumps the note's version; the preview reloads.
   */
  async function unhideSpot(spotId: string) {
    const id = sid();
    if (!id || note.unhiding.value) return;
    note.unhiding.value = spotId;
    note.error.value = null;
    try {
      const r = await deps.call('unhideRedaction', { sessionId: id, spotId });
      if (!r.ok) {
        note.error.value = failMessage(r) ?? 'Un-hiding needs the API: try again when FlowPilot is reachable.';
        return;
      }
      note.draft.value = null;
      await loadNote();
    } finally {
      note.unhiding.value = null;
    }
  }

  async function postNote() {
    const id = sid();
    if (!id) return;
    note.posting.value = true;
    try {
      const edited = note.draft.value;
      await run(
        'Post to ticket',
        () =>
          deps.call('postResolutionNote', {
            sessionId: id,
            internal: note.internal.value,
            resolution: note.resolution.value,
            ...(edited !== null && edited !== note.text.value ? { text: edited } : {}),
            ...(note.status.value.trim() ? { status: note.status.value.trim() } : {}),
          }),
        () => {
          note.confirming.value = false;
          void reloadSession();
        },
        () => {
          note.confirming.value = false;
          note.postedQueued.value = true;
          sync.queue('postNote');
        },
      );
    } finally {
      note.posting.value = false;
    }
  }

  /** A new ticket on screen: nothing of the last one's note stays (the account defaults do). */
  function reset() {
    note.text.value = '';
    note.spots.value = [];
    note.draft.value = null;
    note.load.value = 'idle';
    note.confirming.value = false;
    note.postedQueued.value = false;
  }

  return { note, posted, loadNote, unhideSpot, postNote, reset };
}
