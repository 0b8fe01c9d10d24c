// The Maintenance section: the schedules with their targets' last runs, a target's run history, and (team admins) a
// new schedule: flow, targets, recurrence.
import { useState } from 'preact/hooks';
import { Msg } from './Msg';
import { blankForm, type ScheduleForm, type Weekday } from './schedules-model';
import type { WorkspaceModel } from './workspace-model';

const WEEKDAYS: [Weekday, string][] = [
  ['MO', 'Monday'],
  ['TU', 'Tuesday'],
  ['WE', 'Wednesday'],
  ['TH', 'Thursday'],
  ['FR', 'Friday'],
  ['SA', 'Saturday'],
  ['SU', 'Sunday'],
];
const NTH: [number, string][] = [
  [1, 'first'],
  [2, 'second'],
  [3, 'third'],
  [4, 'fourth'],
  [-1, 'last'],
];

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');

export function Schedules({ m }: { m: WorkspaceModel }) {
  const s = m.schedules;
  const h = s.history.value;
  return (
    <section class="fp-ws-wide" data-fp="ws-schedules" aria-label="Maintenance schedules">
      <Msg f={s.feedback} id="ws-schedules-msg" />
      {m.canManage.value ? <NewSchedule m={m} /> : null}
      <div class="fp-card">
        <h2>Maintenance schedules</h2>
        {s.schedules.value.length === 0 ? <p class="muted">No schedules yet.</p> : null}
        {s.schedules.value.map((x) => (
          <div key={x.id} class="fp-script" data-fp="ws-schedule" data-schedule-id={x.id}>
            <div class="row">
              <strong class="grow">{x.name}</strong>
              <span class="muted" data-fp="ws-schedule-when">
                {x.recurrenceText} · next {when(x.nextDueAt)}
              </span>
            </div>
            <p class="hint">
              Runs {m.flowTitle(x.flowId) ?? 'a flow no longer in the library'}
              {x.createPsaTicket ? ', opening a ConnectWise ticket for each target that names a company' : ''}.
            </p>
            <table class="fp-table">
              <tbody>
                {x.targets.map((t) => (
                  <tr key={t.id} data-fp="ws-target" data-target={t.name}>
                    <td>{t.name}</td>
                    <td class="muted">{t.companyIdentifier ?? ''}</td>
                    <td data-fp="ws-target-last">{t.lastRun ? `${t.lastRun.status} · due ${when(t.lastRun.dueAt)}` : 'not run yet'}</td>
                    <td>
                      <button type="button" class="link" onClick={() => void s.showHistory(x, t)} data-fp="ws-target-history">
                        Run history
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {h?.scheduleId === x.id ? (
              <div data-fp="ws-run-history">
                <h3>Runs for {h.targetName}</h3>
                {h.runs.length === 0 ? <p class="muted">No runs yet.</p> : null}
                <ul class="list">
                  {h.runs.map((r) => (
                    <li key={r.id} data-fp="ws-run">
                      {when(r.dueAt)} · {r.status}
                      {r.ticketExternalId ? ` · ticket #${r.ticketExternalId}` : ''}
                      {r.error ? <span class="error"> · {r.error}</span> : null}
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
          </div>
        ))}
      </div>
    </section>
  );
}

function NewSchedule({ m }: { m: WorkspaceModel }) {
  const today = new Date().toISOString().slice(0, 10);
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const [f, setF] = useState<ScheduleForm>(() => blankForm(today, zone));
  const set = (patch: Partial<ScheduleForm>) => setF({ ...f, ...patch });
  const flows = m.maintenanceFlows.value;
  return (
    <form
      class="fp-card"
      data-fp="ws-new-schedule"
      onSubmit={(e) => {
        e.preventDefault();
        void m.schedules.create(f).then((ok) => ok && setF(blankForm(today, zone)));
      }}
    >
      <h2>New schedule</h2>
      <label class="field">
        Name
        <input name="scheduleName" required value={f.name} onInput={(e) => set({ name: e.currentTarget.value })} placeholder="Monthly patching" />
      </label>
      <label class="field">
        Maintenance flow
        <select name="scheduleFlow" value={f.flowId} onChange={(e) => set({ flowId: e.currentTarget.value })}>
          <option value="">— choose —</option>
          {flows.map((x) => (
            <option key={x.id} value={x.id}>
              {x.title}
            </option>
          ))}
        </select>
      </label>
      {flows.length === 0 ? <p class="hint">The library has no maintenance flow yet: create one in Flows (kind: maintenance).</p> : null}
      <label class="field">
        Targets
        <textarea name="scheduleTargets" rows={3} value={f.targets} onInput={(e) => set({ targets: e.currentTarget.value })} placeholder={'NW-SQL01 | Northwind\nNW-FS02 | Northwind'} />
      </label>
      <p class="hint">One a line; after a "|", the ConnectWise company identifier to open each run's ticket under.</p>
      <div class="row">
        <select name="scheduleFreq" aria-label="Repeats" value={f.freq} onChange={(e) => set({ freq: e.currentTarget.value as ScheduleForm['freq'] })}>
          <option value="daily">daily</option>
          <option value="weekly">weekly on</option>
          <option value="monthly">monthly on</option>
        </select>
        {f.freq === 'monthly' ? (
          <select name="scheduleMonthly" aria-label="Monthly by" value={f.monthly} onChange={(e) => set({ monthly: e.currentTarget.value as ScheduleForm['monthly'] })}>
            <option value="nth">a weekday</option>
            <option value="day">a day of the month</option>
          </select>
        ) : null}
        {f.freq === 'monthly' && f.monthly === 'nth' ? (
          <select name="scheduleNth" aria-label="Which" value={String(f.nth)} onChange={(e) => set({ nth: Number(e.currentTarget.value) as ScheduleForm['nth'] })}>
            {NTH.map(([n, label]) => (
              <option key={n} value={String(n)}>
                the {label}
              </option>
            ))}
          </select>
        ) : null}
        {f.freq === 'weekly' || (f.freq === 'monthly' && f.monthly === 'nth') ? (
          <select name="scheduleWeekday" aria-label="Weekday" value={f.weekday} onChange={(e) => set({ weekday: e.currentTarget.value as Weekday })}>
            {WEEKDAYS.map(([d, label]) => (
              <option key={d} value={d}>
                {label}
              </option>
            ))}
          </select>
        ) : null}
        {f.freq === 'monthly' && f.monthly === 'day' ? (
          <input name="scheduleMonthDay" aria-label="Day of the month" type="number" min={1} max={31} value={f.monthDay} onInput={(e) => set({ monthDay: Number(e.currentTarget.value) })} />
        ) : null}
        at <input name="scheduleTime" aria-label="Time" type="time" value={f.time} onInput={(e) => set({ time: e.currentTarget.value })} />
        <input name="scheduleZone" aria-label="Time zone" value={f.timeZone} onInput={(e) => set({ timeZone: e.currentTarget.value })} />
        from <input name="scheduleStart" aria-label="Starts on" type="date" value={f.startsOn} onInput={(e) => set({ startsOn: e.currentTarget.value })} />
      </div>
      <label>
        <input type="checkbox" checked={f.createPsaTicket} onChange={(e) => set({ createPsaTicket: e.currentTarget.checked })} /> Open a ConnectWise ticket for each run (when
        the connection allows it)
      </label>
      <div class="row">
        <button class="primary" type="submit" data-fp="ws-create-schedule">
          Create schedule
        </button>
      </div>
    </form>
  );
}
