// The account's time zone for times in the panel (null until known, or when the account has none: the
// browser's own zone is used then).
import { signal } from '@preact/signals';
import type { Core } from './core';

export function createZone(core: Core) {
  const timeZone = signal<string | null>(null);
  let loaded = false;

  async function loadZone() {
    if (loaded) return;
    loaded = true;
    const r = await core.deps.call('getSettings', undefined);
    if (r.ok) timeZone.value = r.data.settings.timeZone ?? null;
    else loaded = false;
  }

  return { timeZone, loadZone };
}
