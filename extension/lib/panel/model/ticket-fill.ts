// ConnectWise renders a ticket's number before its company, contact and summary: a session opened early keeps
// what it saw. When the page shows a field the open session lacks, the session gets it (the API fills blanks only),
// so the note, the client's memory and the history name the company.
import { effect } from '@preact/signals';
import { isOpen } from '../../../../shared/sessions';
import type { TicketRef } from '../../common/api-types';
import type { Core } from './core';
import { toTicketRef } from './flows';

const FIELDS = ['summary', 'company', 'contact', 'board', 'status', 'priority'] as const;

export function createTicketFill(core: Core) {
  const { deps, ticket, session } = core;
  // Each (session, field set) is sent at most once: a failed fill is not worth a retry loop.
  let sent = '';
  effect(() => {
    const s = session.value;
    const t = ticket.value;
    if (!s || !t || !isOpen(s) || s.ticket.externalId !== t.externalId) return;
    const known = s.ticket as TicketRef;
    const missing = FIELDS.filter((f) => t[f]?.trim() && !known[f]?.trim());
    if (!missing.length) return;
    const key = `${s.id}:${missing.join(',')}`;
    if (key === sent) return;
    sent = key;
    const token = core.token();
    const { psa: _psa, externalId: _id, ...fields } = toTicketRef(t);
    void deps.call('fillTicket', { sessionId: s.id, ticket: fields }).then((r) => {
      if (!r.ok || token !== core.token() || session.value?.id !== r.data.session.id) return;
      // Only the ticket changed: keep the rest of what is on screen (it may be newer than this answer).
      session.value = { ...session.value, ticket: r.data.session.ticket };
    });
  });
}
