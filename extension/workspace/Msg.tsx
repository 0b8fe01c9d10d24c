// One feedback line: an alert for errors, a status otherwise.
import type { Signal } from '@preact/signals';
import type { Feedback } from './workspace-model';

export function Msg({ f, id }: { f: Signal<Feedback>; id: string }) {
  const v = f.value;
  if (!v) return null;
  return (
    <p class={v.kind === 'error' ? 'error' : v.kind === 'ok' ? 'ok' : 'muted'} role={v.kind === 'error' ? 'alert' : 'status'} data-fp={id}>
      {v.text}
    </p>
  );
}
