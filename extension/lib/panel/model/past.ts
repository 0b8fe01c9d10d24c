// What was done before: resolved sessions of similar tickets and the company's recent sessions, loaded after
// the session shows (never in its way); a failure stays quiet in its own card, with a retry.
import { signal } from '@preact/signals';
import type { Res } from '../../common/api-types';
import type { Core, Load } from './core';

export type PastSession = Res<'/v1/sessions/:id/similar', '$get'>['similar'][number];

export function createPast(core: Core) {
  const { deps, session, run } = core;
  const past = signal<{ load: Load; similar: PastSession[]; company: PastSession[]; forSession: string | null }>({
    load: 'idle',
    similar: [],
    company: [],
    forSession: null,
  });

  async function loadPast() {
    const id = core.sid();
    if (!id) return;
    const token = core.token();
    past.value = { ...past.value, load: 'loading', forSession: id };
    const [similar, company] = await Promise.all([deps.call('similarSessions', { sessionId: id }), deps.call('companyHistory', { sessionId: id })]);
    if (token !== core.token() || core.sid() !== id) return;
    past.value =
      similar.ok && company.ok
        ? { load: 'ready', similar: similar.data.similar, company: company.data.sessions.slice(0, 5), forSession: id }
        : { ...past.value, load: 'error' };
  }

  /** The past session's accepted fix becomes this session's proposal (the engineer accepts it as any other). */
  async function useFixFrom(fromSessionId: string) {
    const id = core.sid();
    if (!id) return;
    await run('Use this fix', () => deps.call('proposeFixFrom', { sessionId: id, fromSessionId }), (d) => {
      const cur = session.value;
      if (cur?.id === id) session.value = { ...cur, activeFix: d.fix };
    });
  }

  function reset() {
    past.value = { load: 'idle', similar: [], company: [], forSession: null };
  }

  return { past, loadPast, useFixFrom, reset };
}
