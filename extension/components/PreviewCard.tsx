// "What will be sent": each provider a model call would reach, with every field exactly as it leaves (redacted).
import { useEffect, useRef } from 'preact/hooks';
import type { Purpose } from '../lib/panel/model/privacy';
import { useModel } from './model-context';

const PURPOSE_LABEL: Record<Purpose, string> = { suggest: 'suggestion', summary: 'summary', reply: 'customer reply', briefing: 'escalation briefing', embed: 'search index', ask: 'question' };

/** The link that opens the preview for one kind of model call (a question's needs the question typed). */
export function WhatWillBeSent(props: { purpose: Purpose; question?: string }) {
  const m = useModel();
  return (
    <button class="fp-link" onClick={() => void m.showPreview(props.purpose, props.question)} data-fp={`preview-${props.purpose}`}>
      What will be sent
    </button>
  );
}

export function PreviewCard() {
  const m = useModel();
  const p = m.outboundPreview.value;
  const card = useRef<HTMLElement>(null);
  // A held call (Ask, suggest) opens its preview at the top of the panel, far from the button pressed.
  useEffect(() => card.current?.scrollIntoView({ block: 'nearest' }), [p]);
  if (m.previewError.value)
    return (
      <div class="fp-error" role="alert" data-fp="preview-error">
        What will be sent: {m.previewError.value}
      </div>
    );
  if (!p) return null;
  return (
    <section class="fp-card" data-fp="outbound-preview" aria-label="What will be sent" ref={card}>
      <div class="fp-row">
        <h3>What will be sent: {PURPOSE_LABEL[p.purpose]}</h3>
        <button class="fp-link fp-push" onClick={() => m.closePreview()} data-fp="preview-close">
          Close
        </button>
      </div>
      {m.previewHeld.value && <p class="fp-notice">Your account asks for a look at this before the first model call on this ticket.</p>}
      {p.providers.map((pr) => (
        <div key={pr.provider} data-fp="preview-provider">
          <p>
            <strong>{pr.provider === 'anthropic' ? 'Anthropic' : 'Voyage'}</strong>
            {pr.model ? ` · ${pr.model}` : ''} · {pr.willCall ? pr.when : 'not called now (no key, or answered offline)'}
          </p>
          <dl class="fp-preview-fields">
            {pr.fields.map((f, i) => (
              <div key={i} data-fp="preview-field">
                <dt>
                  {f.name}
                  {f.untrusted ? ' (fenced as data)' : ''}
                </dt>
                <dd class="fp-pre">{f.value}</dd>
              </div>
            ))}
          </dl>
        </div>
      ))}
      {m.previewHeld.value && (
        <button class="fp-primary" onClick={() => void m.sendHeld()} data-fp="preview-send">
          Send
        </button>
      )}
    </section>
  );
}
