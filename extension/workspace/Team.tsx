// The Team section: users and roles, ConnectWise member mapping, note defaults, redaction rules with a live tester.
import { useState } from 'preact/hooks';
import type { NoteFormat } from '../../shared/notes';
import { Msg } from './Msg';
import type { TeamModel, TeamRole, TeamUser } from './team-model';
import type { WorkspaceModel } from './workspace-model';

const ROLE_LABEL: Record<TeamRole, string> = { super_admin: 'super admin', team_admin: 'team admin', engineer: 'engineer', viewer: 'viewer' };

export function Team({ m }: { m: WorkspaceModel }) {
  return (
    <section class="fp-ws-wide" data-fp="ws-team" aria-label="Team">
      <Users m={m} />
      <Mapping m={m} />
      <NoteDefaults m={m} />
      <Redaction m={m} />
    </section>
  );
}

/** The roles this user may hand out: only a super admin grants super admin. */
function assignable(m: WorkspaceModel): TeamRole[] {
  return m.role.value === 'super_admin' ? ['viewer', 'engineer', 'team_admin', 'super_admin'] : ['viewer', 'engineer', 'team_admin'];
}

function Users({ m }: { m: WorkspaceModel }) {
  const t = m.team;
  const me = m.account.value?.user?.id;
  const manage = m.canManage.value;
  return (
    <div class="fp-card" data-fp="ws-users">
      <h2>Users and roles</h2>
      <p class="hint">Viewers read, engineers work tickets, team admins manage the library and the team.</p>
      <Msg f={t.usersFeedback} id="ws-users-msg" />
      <table class="fp-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Email</th>
            <th>Role</th>
            <th>ConnectWise member</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {t.users.value.map((u) => (
            <tr key={u.id} class={u.disabled ? 'muted' : ''} data-fp="ws-user-row" data-email={u.email}>
              <td>{u.name}</td>
              <td>{u.email}</td>
              <td>
                {manage && u.id !== me && !u.disabled && (u.role !== 'super_admin' || m.role.value === 'super_admin') ? (
                  <select aria-label={`Role of ${u.name}`} value={u.role} onChange={(e) => void t.updateUser(u, { role: e.currentTarget.value as TeamRole })} data-fp="ws-user-role">
                    {assignable(m).map((r) => (
                      <option key={r} value={r}>
                        {ROLE_LABEL[r]}
                      </option>
                    ))}
                  </select>
                ) : (
                  <span data-fp="ws-user-role-text">{ROLE_LABEL[u.role as TeamRole] ?? u.role}</span>
                )}
              </td>
              <td>
                {u.member ? `${u.member.identifier} (${u.member.matchedBy === 'auto' ? 'by email' : 'by hand'})` : u.disabled ? '—' : <span class="fp-chip warn">unmapped</span>}
              </td>
              <td>
                {u.disabled ? <span class="fp-chip">disabled</span> : null}{' '}
                {manage && u.id !== me ? (
                  <button type="button" class="link" onClick={() => void t.updateUser(u, { disabled: !u.disabled })} data-fp="ws-user-disable">
                    {u.disabled ? 'Enable' : 'Disable'}
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {manage ? <AddUser m={m} /> : null}
    </div>
  );
}

function AddUser({ m }: { m: WorkspaceModel }) {
  const [form, setForm] = useState({ name: '', email: '', password: '', role: 'engineer' as TeamRole });
  const set = (k: keyof typeof form) => (e: Event) => setForm({ ...form, [k]: (e.currentTarget as HTMLInputElement).value });
  return (
    <form
      class="row fp-add-user"
      data-fp="ws-add-user"
      onSubmit={(e) => {
        e.preventDefault();
        void m.team.addUser(form).then((ok) => ok && setForm({ name: '', email: '', password: '', role: 'engineer' }));
      }}
    >
      <input name="userName" placeholder="Name" required value={form.name} onInput={set('name')} />
      <input name="userEmail" type="email" placeholder="Email" required value={form.email} onInput={set('email')} />
      <input name="userPassword" type="password" placeholder="First password (10+ characters)" required minLength={10} value={form.password} onInput={set('password')} autoComplete="new-password" />
      <select name="userRole" aria-label="Role" value={form.role} onChange={set('role')}>
        {assignable(m).map((r) => (
          <option key={r} value={r}>
            {ROLE_LABEL[r]}
          </option>
        ))}
      </select>
      <button class="primary" type="submit">
        Add user
      </button>
    </form>
  );
}

function Mapping({ m }: { m: WorkspaceModel }) {
  const t = m.team;
  const members = t.members.value;
  const byId = new Map(t.users.value.map((u) => [u.id, u]));
  const unmapped = t.unmapped.value.map((id) => byId.get(id)).filter((u): u is TeamUser => Boolean(u));
  const mapped = t.users.value.filter((u) => u.member && !u.disabled);
  return (
    <div class="fp-card" data-fp="ws-mapping">
      <h2>ConnectWise members</h2>
      <p class="hint">Time entries and notes post as the engineer's ConnectWise member. Match by email first, then map the rest by hand.</p>
      {members === null ? (
        <p class="muted" data-fp="ws-mapping-off">
          {t.membersError.value ? `ConnectWise did not answer: ${t.membersError.value}` : 'No ConnectWise connection yet: set it up on the options page, then map members here.'}
        </p>
      ) : !m.canManage.value ? (
        <p class="muted">Mapping members is for team admins.</p>
      ) : (
        <button type="button" class="primary" onClick={() => void t.autoMatch()} data-fp="ws-auto-match">
          Auto-match by email
        </button>
      )}
      <Msg f={t.mappingFeedback} id="ws-mapping-msg" />
      <h3>{unmapped.length ? `Unmapped (${unmapped.length})` : 'Everyone who logs time is mapped.'}</h3>
      <ul class="list">
        {[...unmapped, ...mapped].map((u) => (
          <li key={u.id} class="row" data-fp={u.member ? 'ws-mapped' : 'ws-unmapped'} data-email={u.email}>
            <span class="grow">
              {u.name} <span class="muted">{u.email}</span>
            </span>
            {members && m.canManage.value ? (
              <select
                aria-label={`ConnectWise member of ${u.name}`}
                value={u.member?.identifier ?? ''}
                onChange={(e) => void t.mapManually(u.id, e.currentTarget.value || null)}
                data-fp="ws-map-select"
              >
                <option value="">— not mapped —</option>
                {members
                  .filter((x) => !x.inactive)
                  .map((x) => (
                    <option key={x.id} value={x.identifier}>
                      {x.name} ({x.identifier})
                    </option>
                  ))}
              </select>
            ) : (
              <span>{u.member?.identifier ?? 'unmapped'}</span>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

function NoteDefaults({ m }: { m: WorkspaceModel }) {
  const s = m.team.settings.value;
  const [draft, setDraft] = useState<{ format: NoteFormat; internal: boolean; resolution: boolean } | null>(null);
  if (!s) return null;
  const d = draft ?? { format: s.noteFormat, internal: s.noteDefaults.internal, resolution: s.noteDefaults.resolution };
  const ro = !m.canManage.value;
  return (
    <form
      class="fp-card"
      data-fp="ws-note-defaults"
      onSubmit={(e) => {
        e.preventDefault();
        void m.team.saveNoteDefaults({ noteFormat: d.format, noteDefaults: { internal: d.internal, resolution: d.resolution } });
      }}
    >
      <h2>Note defaults</h2>
      <p class="hint">How the panel offers a resolution note: the engineer can still change it per note.{ro ? ' Only team admins change the defaults.' : ''}</p>
      <fieldset disabled={ro}>
        <label class="field">
          Format
          <select name="noteFormat" value={d.format} onChange={(e) => setDraft({ ...d, format: e.currentTarget.value as NoteFormat })}>
            <option value="text">plain text</option>
            <option value="markdown">markdown</option>
            <option value="html">HTML</option>
          </select>
        </label>
        <label class="field">
          Audience
          <select
            name="noteAudience"
            value={d.internal ? 'internal' : 'customer'}
            onChange={(e) => setDraft({ ...d, internal: e.currentTarget.value === 'internal' })}
          >
            <option value="internal">internal (technicians only)</option>
            <option value="customer">discussion (the customer sees it)</option>
          </select>
        </label>
        <label>
          <input type="checkbox" name="noteResolution" checked={d.resolution} onChange={(e) => setDraft({ ...d, resolution: e.currentTarget.checked })} /> Flag as the
          ticket's resolution
        </label>
        <div class="row">
          <button class="primary" type="submit" data-fp="ws-save-note-defaults">
            Save note defaults
          </button>
        </div>
      </fieldset>
      <Msg f={m.team.notesFeedback} id="ws-note-defaults-msg" />
    </form>
  );
}

/** The tester's answer with each marker highlighted where the API says it sits. */
function Highlighted({ t }: { t: TeamModel }) {
  const r = t.tested.value;
  if (!r) return <p class="muted">Type or paste a sample to see what the rules hide.</p>;
  const parts: preact.ComponentChildren[] = [];
  let at = 0;
  for (const s of r.spots) {
    parts.push(r.text.slice(at, s.redactedStart));
    parts.push(
      <mark key={s.redactedStart} title={s.rule ?? s.kind}>
        {r.text.slice(s.redactedStart, s.redactedEnd)}
      </mark>,
    );
    at = s.redactedEnd;
  }
  parts.push(r.text.slice(at));
  return (
    <div>
      <pre class="fp-redacted" data-fp="ws-redaction-result">
        {parts}
      </pre>
      <p class="hint" data-fp="ws-redaction-count">
        {r.spots.length === 0 ? 'Nothing would be hidden.' : `${r.spots.length} ${r.spots.length === 1 ? 'spot' : 'spots'} hidden.`}
      </p>
    </div>
  );
}

function Redaction({ m }: { m: WorkspaceModel }) {
  const t = m.team;
  const ro = !m.canManage.value;
  return (
    <div class="fp-card" data-fp="ws-redaction">
      <h2>Redaction rules</h2>
      <p class="hint">
        Passwords, keys and card numbers are always hidden before a note or a model sees them. Add your own: patterns (regular expressions) and words, one a line.
        {ro ? ' Only team admins change the rules; try them here.' : ''}
      </p>
      <div class="fp-two">
        <div>
          <label class="fp-stack">
            Patterns
            <textarea name="redactionPatterns" rows={4} value={t.rules.value.patterns} readOnly={ro} onInput={(e) => t.setRules({ patterns: e.currentTarget.value })} />
          </label>
          <label class="fp-stack">
            Words
            <textarea name="redactionWords" rows={4} value={t.rules.value.words} readOnly={ro} onInput={(e) => t.setRules({ words: e.currentTarget.value })} />
          </label>
          {ro ? null : (
            <button type="button" class="primary" onClick={() => void t.saveRedaction()} data-fp="ws-save-redaction">
              Save rules
            </button>
          )}
        </div>
        <div>
          <label class="fp-stack">
            Try a sample
            <textarea name="redactionSample" rows={4} value={t.sample.value} onInput={(e) => t.setSample(e.currentTarget.value)} placeholder="Paste ticket text here" />
          </label>
          <Highlighted t={t} />
        </div>
      </div>
      <Msg f={t.redactionFeedback} id="ws-redaction-msg" />
    </div>
  );
}
