// The engineer's own timeline entries (notes, commands, observations): corrected or removed in place. Steps
// and status items are history, changed at their source (the API refuses them with edit_at_source).
import type { Core } from './core';

export const OWN_ENTRY_KINDS: readonly string[] = ['note', 'command', 'observation'];

export function createEntries(core: Core, reloadSession: () => Promise<void>) {
  const { deps, sid, run } = core;

  async function editEntry(itemId: string, text: string): Promise<boolean> {
    const id = sid();
    if (!id || !text.trim()) return false;
    const r = await run('Edit entry', () => deps.call('editEvent', { sessionId: id, itemId, text: text.trim() }), () => void reloadSession());
    return r.ok;
  }

  async function removeEntry(itemId: string) {
    const id = sid();
    if (!id) return;
    await run('Remove entry', () => deps.call('removeEvent', { sessionId: id, itemId }), () => void reloadSession());
  }

  return { editEntry, removeEntry };
}
