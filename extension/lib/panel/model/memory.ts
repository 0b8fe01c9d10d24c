// Client memory: what the team confirmed about the ticket's company, and proposed items to confirm, edit or delete.
import { signal } from '@preact/signals';
import type { Res } from '../../common/api-types';
import type { Core } from './core';

export type CompanyMemory = Res<'/v1/client-memory', '$get'>;

export function createMemory(core: Core) {
  const memory = signal<CompanyMemory | null>(null);

  async function loadMemory() {
    const company = core.ticket.value?.company?.trim();
    if (!company) return;
    const token = core.token();
    const r = await core.deps.call('clientMemory', { company });
    if (token === core.token() && r.ok) memory.value = r.data;
  }

  const after = (label: string, call: Parameters<Core['run']>[1]) => core.run(label, call, () => void loadMemory());
  const confirmMemory = (memoryId: string) => after('Confirm the client memory', () => core.deps.call('confirmMemory', { memoryId }));
  const editMemory = (memoryId: string, text: string) => after('Edit the client memory', () => core.deps.call('editMemory', { memoryId, text }));
  const deleteMemory = (memoryId: string) => after('Delete the client memory', () => core.deps.call('deleteMemory', { memoryId }));

  /**
   * A session resolved here: the API proposes what it taught about the client (by rules offline, the model with
   * keys), with the session as provenance, for an engineer to confirm. Quiet when nothing qualifies or it fails:
   * the engineer did not ask for it.
   */
  async function proposeFrom(sessionId: string) {
    const r = await core.deps.call('proposeMemory', { sessionId });
    if (r.ok && r.data.proposed.length) await loadMemory();
  }

  return { memory, loadMemory, confirmMemory, editMemory, deleteMemory, proposeFrom, reset: () => (memory.value = null) };
}
