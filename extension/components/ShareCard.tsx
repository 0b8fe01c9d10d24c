// Share a redacted, read-only link to the session: make one (copied at once), list them, revoke.
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { useModel } from './model-context';

export function ShareCard() {
  const m = useModel();
  const s = m.session.value;
  const sh = m.shares;
  const open = useSignal(false);
  const copied = useSignal<'yes' | 'no' | null>(null);
  const sessionId = s?.id;
  useEffect(() => {
    if (open.value) void m.loadShares();
  }, [open.value, sessionId]);
  if (!s) return null;
  if (!open.value) {
    return (
      <div class="fp-row fp-end">
        <button class="fp-link" onClick={() => (open.value = true)} data-fp="share-open">
          Share a read-only link…
        </button>
      </div>
    );
  }
  const created = sh.created.value;
  const active = sh.list.value.filter((l) => l.active);
  return (
    <section class="fp-card" data-fp="share" aria-busy={sh.busy.value}>
      <h3>Share</h3>
      <p class="fp-muted">A read-only snapshot of the note, secrets hidden, for 3 days. Anyone with the link can read it.</p>
      <button
        class="fp-secondary"
        disabled={sh.busy.value}
        onClick={() => {
          copied.value = null;
          void m.createShare().then(() => {
            const url = m.shares.created.value?.url;
            if (!url) return;
            navigator.clipboard
              ?.writeText(url)
              .then(() => (copied.value = 'yes'))
              .catch(() => (copied.value = 'no'));
          });
        }}
        data-fp="share-create"
      >
        {sh.busy.value ? 'Working…' : 'Make a link and copy it'}
      </button>
      {created && (
        <div data-fp="share-created">
          <p class="fp-muted">{copied.value === 'yes' ? 'Copied. The link is shown only now:' : 'The link is shown only now; copy it:'}</p>
          <input class="fp-input fp-mono" readOnly aria-label="Share link" value={created.url} onFocus={(e) => e.currentTarget.select()} data-fp="share-url" />
        </div>
      )}
      {sh.error.value && (
        <div class="fp-error" role="alert" data-fp="share-error">
          {sh.error.value}
        </div>
      )}
      {active.length > 0 && (
        <ul class="fp-list" data-fp="share-list">
          {active.map((l) => (
            <li key={l.id} data-fp="share-link" data-share-id={l.id}>
              Made {new Date(l.createdAt).toLocaleString()}
              {l.createdBy.name ? ` by ${l.createdBy.name}` : ''}, until {new Date(l.expiresAt).toLocaleString()}{' '}
              <button class="fp-link" disabled={sh.busy.value} onClick={() => void m.revokeShare(l.id)} aria-label={`Revoke the link made ${new Date(l.createdAt).toLocaleString()}`} data-fp="share-revoke">
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}
      {active.length === 0 && !created && <p class="fp-muted" data-fp="share-none">No active links.</p>}
    </section>
  );
}
