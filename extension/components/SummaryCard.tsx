// The ticket summary at the top of a session: three lines, the tier that wrote them, and a refresh.
import { useModel } from './model-context';
import { WhatWillBeSent } from './PreviewCard';

const LINE_LABELS = ['Problem', 'Tried', 'Waiting on'];

export function SummaryCard() {
  const m = useModel();
  const s = m.summary.value;
  const loading = m.summaryLoad.value === 'loading';
  return (
    <section class="fp-card" data-fp="summary" aria-busy={loading}>
      <div class="fp-row">
        <h3>Summary</h3>
        {s && (
          <span class="fp-badge" data-fp="summary-tier" title="Who wrote this summary">
            {s.tier === 'offline' ? 'Offline' : s.tier}
            {s.model ? ` (${s.model})` : ''}
          </span>
        )}
        <span class="fp-push">
          <WhatWillBeSent purpose="summary" />
        </span>
        <button class="fp-link" disabled={loading} onClick={() => void m.loadSummary()} aria-label="Refresh the summary" data-fp="summary-refresh">
          {loading ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      {s ? (
        <dl class="fp-summary" data-fp="summary-lines">
          {s.summary.lines.map((line, i) => (
            <div key={i}>
              <dt>{LINE_LABELS[i]}</dt>
              <dd>{line}</dd>
            </div>
          ))}
        </dl>
      ) : loading ? (
        // The three rows hold their place while the summary is written, so the step below does not jump when it lands.
        <dl class="fp-summary fp-muted" aria-label="Summarizing the ticket…">
          {LINE_LABELS.map((label) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd>…</dd>
            </div>
          ))}
        </dl>
      ) : (
        m.summaryError.value && (
          <p class="fp-muted" data-fp="summary-error">
            {m.summaryError.value}
          </p>
        )
      )}
    </section>
  );
}
