// The workspace's Team section: users and roles, ConnectWise member mapping, note defaults and redaction rules with
// a live tester. Team admins manage; everyone else reads, and the screen says so instead of failing.
import { signal, type ReadonlySignal } from '@preact/signals';
import type { Settings } from '../lib/common/api-types';
import type { OpArgs, OpResult } from '../lib/common/operations';
import type { CallApi, CallResult } from '../lib/common/protocol';
import type { Feedback } from './workspace-model';

export type TeamUser = OpResult<'team'>['users'][number];
export type TeamRole = 'super_admin' | 'team_admin' | 'engineer' | 'viewer';
export type PsaMember = NonNullable<OpResult<'psaMembers'>['members']>[number];
export type RedactionResult = OpResult<'testRedaction'>;

/** One rule a line: blank lines are not rules. */
export const lines = (s: string) => s.split('\n').map((l) => l.trim()).filter(Boolean);

export function createTeamModel(call: CallApi, canManage: ReadonlySignal<boolean>, failure: (r: CallResult<unknown>) => string) {
  const users = signal<TeamUser[]>([]);
  /** Active engineers and admins with no ConnectWise member: their time entries would fail. */
  const unmapped = signal<string[]>([]);
  /** ConnectWise's active members, or null without a connection (membersError says why when it failed). */
  const members = signal<PsaMember[] | null>(null);
  const membersError = signal<string | null>(null);
  const settings = signal<Settings | null>(null);
  const usersFeedback = signal<Feedback>(null);
  const mappingFeedback = signal<Feedback>(null);
  const notesFeedback = signal<Feedback>(null);
  const redactionFeedback = signal<Feedback>(null);
  /** The rules as typed (one a line), tried by the tester before they are saved. */
  const rules = signal({ patterns: '', words: '' });
  const sample = signal('');
  const tested = signal<RedactionResult | null>(null);
  let testTimer: ReturnType<typeof setTimeout> | undefined;

  async function loadUsers() {
    const r = await call('team', undefined);
    if (!r.ok) {
      usersFeedback.value = { kind: 'error', text: `The team did not load: ${failure(r)}` };
      return;
    }
    users.value = r.data.users;
    unmapped.value = r.data.unmapped;
  }

  async function loadMembers() {
    const r = await call('psaMembers', undefined);
    if (!r.ok) {
      mappingFeedback.value = { kind: 'error', text: `ConnectWise members did not load: ${failure(r)}` };
      return;
    }
    members.value = r.data.members;
    membersError.value = r.data.membersError?.message ?? null;
  }

  async function loadSettings() {
    const r = await call('getSettings', undefined);
    if (!r.ok) {
      notesFeedback.value = { kind: 'error', text: `The settings did not load: ${failure(r)}` };
      return;
    }
    settings.value = r.data.settings;
    rules.value = { patterns: r.data.settings.redaction.patterns.join('\n'), words: r.data.settings.redaction.words.join('\n') };
  }

  async function load() {
    usersFeedback.value = canManage.value ? null : { kind: 'ok', text: 'You can see the team; adding users, changing roles and mapping members is for team admins.' };
    await Promise.all([loadUsers(), loadMembers(), loadSettings()]);
  }

  async function addUser(u: { name: string; email: string; password: string; role: TeamRole }): Promise<boolean> {
    const r = await call('createUser', { ...u, name: u.name.trim(), email: u.email.trim() });
    if (!r.ok) {
      usersFeedback.value = { kind: 'error', text: `Not added: ${failure(r)}` };
      return false;
    }
    usersFeedback.value = { kind: 'ok', text: `Added ${r.data.user.name} as ${r.data.user.role.replace('_', ' ')}. Give them the password to sign in with.` };
    await loadUsers();
    return true;
  }

  async function updateUser(u: TeamUser, patch: { role?: TeamRole; disabled?: boolean }) {
    const r = await call('updateUser', { userId: u.id, ...patch });
    const what = patch.role ? `${u.name} is now ${patch.role.replace('_', ' ')}.` : patch.disabled ? `${u.name} is disabled and signed out.` : `${u.name} is enabled again.`;
    usersFeedback.value = r.ok ? { kind: 'ok', text: what } : { kind: 'error', text: `Not changed: ${failure(r)}` };
    await loadUsers();
  }

  async function map(body: { autoMatch?: boolean; mappings?: { userId: string; memberIdentifier: string | null }[] }) {
    mappingFeedback.value = { kind: 'busy', text: 'Asking ConnectWise…' };
    const r = await call('mapMembers', body);
    if (!r.ok) {
      mappingFeedback.value = { kind: 'error', text: `Not mapped: ${failure(r)}` };
      return;
    }
    await loadUsers();
    const left = unmapped.value.length;
    const matched = body.autoMatch === false ? 'Mapping saved.' : `Matched ${r.data.autoMatched} by email.`;
    mappingFeedback.value = { kind: 'ok', text: `${matched} ${left ? `${left} still unmapped.` : 'Everyone who logs time is mapped.'}` };
  }

  async function saveSettings(patch: OpArgs<'putSettings'>, feedback: typeof notesFeedback, done: string) {
    const r = await call('putSettings', patch);
    if (!r.ok) {
      feedback.value = { kind: 'error', text: `Not saved: ${failure(r)}` };
      return;
    }
    settings.value = r.data.settings;
    feedback.value = { kind: 'ok', text: done };
  }

  /** The tester tries the rules as typed, a moment after the last keystroke. */
  function retest() {
    clearTimeout(testTimer);
    testTimer = setTimeout(() => void runTest(), 250);
  }

  async function runTest() {
    if (!sample.value.trim()) {
      tested.value = null;
      return;
    }
    const r = await call('testRedaction', { text: sample.value, rules: { patterns: lines(rules.value.patterns), words: lines(rules.value.words) } });
    if (!r.ok) {
      tested.value = null;
      redactionFeedback.value = { kind: 'error', text: failure(r) };
      return;
    }
    redactionFeedback.value = null;
    tested.value = r.data;
  }

  return {
    users,
    unmapped,
    members,
    membersError,
    settings,
    usersFeedback,
    mappingFeedback,
    notesFeedback,
    redactionFeedback,
    rules,
    sample,
    tested,
    load,
    addUser,
    updateUser,
    autoMatch: () => map({ autoMatch: true }),
    mapManually: (userId: string, memberIdentifier: string | null) => map({ autoMatch: false, mappings: [{ userId, memberIdentifier }] }),
    saveNoteDefaults: (patch: Pick<OpArgs<'putSettings'>, 'noteFormat' | 'noteDefaults'>) => saveSettings(patch, notesFeedback, 'Note defaults saved.'),
    saveRedaction: () => saveSettings({ redaction: { patterns: lines(rules.value.patterns), words: lines(rules.value.words) } }, redactionFeedback, 'Redaction rules saved.'),
    setRules: (patch: Partial<typeof rules.value>) => {
      rules.value = { ...rules.value, ...patch };
      retest();
    },
    setSample: (text: string) => {
      sample.value = text;
      retest();
    },
  };
}

export type TeamModel = ReturnType<typeof createTeamModel>;
