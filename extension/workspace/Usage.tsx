// The Usage section: plain SVG bar charts (no chart library) with the figures in a table beside them for screen readers.
import { Msg } from './Msg';
import { duration, engineerSeries, monthBars, type Metric, type UsageModel } from './usage-model';
import type { WorkspaceModel } from './workspace-model';

const TIER_COLOUR: Record<string, string> = { deep: '#7a5af8', fast: '#0a5ea8', offline: '#9aa8b6', embedding: '#0e9384', none: '#c3ccd6' };
const H = 160;

const money = (v: number) => `$${v < 1 ? v.toFixed(4) : v.toFixed(2)}`;
const amount = (v: number, metric: Metric) => (metric === 'costUsd' ? money(v) : `${v.toLocaleString()} tokens`);

export function Usage({ m }: { m: WorkspaceModel }) {
  const u = m.usage;
  return (
    <section class="fp-ws-wide" data-fp="ws-usage" aria-label="Usage">
      <Msg f={u.feedback} id="ws-usage-msg" />
      <ModelCost u={u} />
      <Engineers u={u} />
      <Documentation u={u} />
    </section>
  );
}

function ModelCost({ u }: { u: UsageModel }) {
  const metric = u.metric.value;
  const { tiers, bars, max } = monthBars(u.usage.value, metric);
  const w = 56;
  return (
    <div class="fp-card" data-fp="ws-usage-models">
      <div class="row">
        <h2 class="grow">Model usage per month</h2>
        <select aria-label="Show" value={metric} onChange={(e) => (u.metric.value = e.currentTarget.value as Metric)} data-fp="ws-usage-metric">
          <option value="costUsd">cost</option>
          <option value="tokens">tokens</option>
        </select>
      </div>
      {bars.length === 0 ? (
        <p class="muted">No model calls in the last year.</p>
      ) : (
        <>
          <svg class="fp-chart" width={bars.length * w + 20} height={H + 40} role="img" aria-label={`Model ${metric === 'costUsd' ? 'cost' : 'tokens'} per month by tier`}>
            {bars.map((b, i) => {
              let y = H;
              return (
                <g key={b.month} data-fp="ws-usage-bar" data-month={b.month} data-total={b.total}>
                  {b.segments.map((s) => {
                    const h = max ? (s.value / max) * (H - 10) : 0;
                    y -= h;
                    return (
                      <rect key={s.tier} x={10 + i * w} y={y} width={w - 14} height={h} fill={TIER_COLOUR[s.tier] ?? '#66788a'}>
                        <title>{`${b.month} · ${s.tier}: ${amount(s.value, metric)}`}</title>
                      </rect>
                    );
                  })}
                  <text x={10 + i * w + (w - 14) / 2} y={H + 14} text-anchor="middle" class="fp-chart-label">
                    {b.month}
                  </text>
                  <text x={10 + i * w + (w - 14) / 2} y={H + 28} text-anchor="middle" class="fp-chart-label">
                    {metric === 'costUsd' ? money(b.total) : b.total.toLocaleString()}
                  </text>
                </g>
              );
            })}
          </svg>
          <p class="fp-legend">
            {tiers.map((t) => (
              <span key={t}>
                <i style={{ background: TIER_COLOUR[t] ?? '#66788a' }} /> {t}
              </span>
            ))}
          </p>
          <table class="fp-table" data-fp="ws-usage-table">
            <thead>
              <tr>
                <th>Month</th>
                <th>Tier</th>
                <th>Calls</th>
                <th>Tokens in / out</th>
                <th>Cost</th>
              </tr>
            </thead>
            <tbody>
              {u.usage.value.map((r) => (
                <tr key={`${r.month}-${r.tier}`}>
                  <td>{r.month}</td>
                  <td>{r.tier}</td>
                  <td>{r.calls}</td>
                  <td>
                    {r.inputTokens.toLocaleString()} / {r.outputTokens.toLocaleString()}
                  </td>
                  <td>{money(r.costUsd)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}

function Engineers({ u }: { u: UsageModel }) {
  const { weeks, engineers, max } = engineerSeries(u.engineers.value);
  const w = 34;
  return (
    <div class="fp-card" data-fp="ws-usage-engineers">
      <h2>Sessions and time per engineer, per week</h2>
      <p class="fp-legend">
        <span>
          <i style={{ background: '#067647' }} /> resolved
        </span>
        <span>
          <i style={{ background: '#dc6803' }} /> escalated
        </span>
      </p>
      {engineers.length === 0 ? <p class="muted">No session resolved or escalated, and no time logged, in the last 12 weeks.</p> : null}
      {engineers.map((e) => (
        <div key={e.userId} class="fp-engineer" data-fp="ws-engineer" data-name={e.name}>
          <h3>{e.name}</h3>
          <svg class="fp-chart" width={weeks.length * w + 20} height={90} role="img" aria-label={`${e.name}: sessions resolved and escalated per week`}>
            {e.weeks.map((wk, i) => {
              const hr = max ? (wk.resolved / max) * 60 : 0;
              const he = max ? (wk.escalated / max) * 60 : 0;
              return (
                <g key={wk.week}>
                  <rect x={10 + i * w} y={66 - hr} width={12} height={hr} fill="#067647">
                    <title>{`week of ${wk.week}: ${wk.resolved} resolved`}</title>
                  </rect>
                  <rect x={24 + i * w} y={66 - he} width={12} height={he} fill="#dc6803">
                    <title>{`week of ${wk.week}: ${wk.escalated} escalated`}</title>
                  </rect>
                  <text x={10 + i * w + 12} y={80} text-anchor="middle" class="fp-chart-label">
                    {wk.week.slice(5)}
                  </text>
                </g>
              );
            })}
          </svg>
          <table class="fp-table">
            <thead>
              <tr>
                <th>Week of</th>
                <th>Resolved</th>
                <th>Escalated</th>
                <th>Time logged</th>
              </tr>
            </thead>
            <tbody>
              {e.weeks
                .filter((wk) => wk.resolved || wk.escalated || wk.minutesLogged)
                .map((wk) => (
                  <tr key={wk.week} data-fp="ws-engineer-week" data-week={wk.week}>
                    <td>{wk.week}</td>
                    <td>{wk.resolved}</td>
                    <td>{wk.escalated}</td>
                    <td>{wk.minutesLogged} min</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      ))}
    </div>
  );
}

function Documentation({ u }: { u: UsageModel }) {
  const d = u.documentation.value;
  if (!d) return null;
  return (
    <div class="fp-card" data-fp="ws-usage-documentation">
      <h2>Documentation time, measured</h2>
      <p class="hint">From the fix the engineer accepted to the resolution note posted to ConnectWise, per ticket; tickets without both moments are left out, never estimated.</p>
      <p data-fp="ws-doc-summary">
        {d.summary.tickets === 0
          ? 'No ticket measured in the last 90 days.'
          : `${d.summary.tickets} ${d.summary.tickets === 1 ? 'ticket' : 'tickets'} · median ${duration(d.summary.medianSeconds)} · p90 ${duration(d.summary.p90Seconds)}`}
      </p>
      {d.tickets.length ? (
        <table class="fp-table">
          <thead>
            <tr>
              <th>Ticket</th>
              <th>Engineer</th>
              <th>Note posted</th>
              <th>Documentation time</th>
            </tr>
          </thead>
          <tbody>
            {d.tickets.map((t) => (
              <tr key={t.sessionId} data-fp="ws-doc-ticket" data-ticket={t.ticketExternalId}>
                <td>
                  #{t.ticketExternalId} {t.summary ?? ''}
                </td>
                <td>{t.engineer ?? '—'}</td>
                <td>{new Date(t.notePostedAt).toLocaleString()}</td>
                <td>{duration(t.seconds)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {d.truncated ? <p class="hint">Showing the latest 1000 tickets.</p> : null}
    </div>
  );
}
