// "Write the briefing" in the escalation card: the copilot's briefing for the next tier. The model's goes into
// the package (the preview below is written again with it); offline, the template is shown, which the package
// already carries.
import { useModel } from './model-context';
import { WhatWillBeSent } from './PreviewCard';

export function BriefingButton() {
  const m = useModel();
  const b = m.briefing;
  const r = b.result.value;
  return (
    <div data-fp="briefing" aria-busy={b.writing.value}>
      <div class="fp-row">
        <button class="fp-secondary" disabled={b.writing.value || m.escalation.previewLoad.value === 'loading'} onClick={() => void m.writeBriefing()} data-fp="briefing-write">
          {b.writing.value ? 'Writing the briefing…' : r ? 'Write the briefing again' : 'Write the briefing'}
        </button>
        <WhatWillBeSent purpose="briefing" />
      </div>
      {r && !b.writing.value && (
        <div data-fp="briefing-result" data-tier={r.tier}>
          <p class="fp-muted" data-fp="briefing-status">
            {r.inPackage
              ? `Briefing written by ${r.model ?? 'the model'}: it is in the package below.`
              : `Offline briefing from the session${r.fallbackReason ? ` (the model failed: ${r.fallbackReason})` : ''}: the package below already carries it.`}
          </p>
          {!r.inPackage && (
            <dl class="fp-summary" data-fp="briefing-lines">
              <dt>Known</dt>
              <dd>{r.briefing.known.length ? r.briefing.known.join('; ') : 'Nothing recorded yet.'}</dd>
              <dt>Ruled out</dt>
              <dd>{r.briefing.ruledOut.length ? r.briefing.ruledOut.join('; ') : 'Nothing yet.'}</dd>
              <dt>Best hypothesis</dt>
              <dd>{r.briefing.hypothesis}</dd>
              <dt>Try next</dt>
              <dd>{r.briefing.next.join('; ')}</dd>
            </dl>
          )}
        </div>
      )}
    </div>
  );
}
