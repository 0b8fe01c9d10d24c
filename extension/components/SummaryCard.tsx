// The ticket in three lines (problem, tried, waiting), which tier wrote them, and a refresh.
import { useModel } from './model-context';

const TIER_LABEL: Record<string, string> = { offline: 'Offline summary', fast: 'Fast model', deep: 'Deep model' };

export function SummaryCard() {
  const m = useModel();
  const { data, load, error } = m.summary;
  const d = data.value;
  if (load.value === 'idle') return null;
  return (
    <section class="fp-card" data-fp="ticket-summary" aria-busy={load.value === 'loading'}>
      <div class="fp-row">
        <h3>Ticket summary</h3>
        <button class="fp-link fp-push" disabled={load.value === 'loading'} onClick={() => void m.loadSummary()} data-fp="summary-refresh">
          {load.value === 'loading' ? 'Summarising…' : 'Refresh'}
        </button>
      </div>
      {error.value && <div class="fp-error">Summary unavailable: {error.value}</div>}
      {d && (
        <>
          <ul class="fp-list" data-fp="summary-lines">
            <li>
              <strong>Problem:</strong> {d.summary.problem}
            </li>
            <li>
              <strong>Tried:</strong> {d.summary.tried}
            </li>
            <li>
              <strong>Waiting for:</strong> {d.summary.waiting}
            </li>
          </ul>
          <div class="fp-muted" data-fp="summary-tier">
            {TIER_LABEL[d.tier] ?? d.tier}
            {d.model ? ` (${d.model})` : ''}
            {d.cached ? ' · cached' : ''}
            {d.fallbackReason ? ` · ${d.fallbackReason}` : ''}
            {d.psaError ? ` · ConnectWise: ${d.psaError}` : ''}
          </div>
        </>
      )}
    </section>
  );
}
