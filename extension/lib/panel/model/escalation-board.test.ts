// The escalation's board picker in the panel model with a scripted background: another board brings its own
// statuses, a late answer for a board no longer chosen is dropped, and the send carries the board and status.
import { describe, expect, it } from 'vitest';
import type { PsaBoardStatuses, SessionDetail } from '../../common/api-types';
import { scripted, sessionDetail } from './scripted';

const at = '2026-12-04T10:00:00Z';
const session = (): SessionDetail => sessionDetail('s1', '184203', { stateVersion: 2, updatedAt: at, createdAt: at } as Partial<SessionDetail>);
const statusesOf = (id: number, name: string, names: string[]): PsaBoardStatuses => ({
  board: { id, name },
  statuses: names.map((n, i) => ({ id: id * 100 + i + 1, name: n, closed: false, default: i === 0, timeEntryNotAllowed: false })),
  cached: false,
  fetchedAt: at,
});

describe('escalating to another board in the panel model', () => {
  it('loads the boards once, offers the chosen board\'s statuses, drops a late answer for an earlier choice, and sends board and status', async () => {
    const pending: Array<() => void> = [];
    const { model, calls } = scripted({
      psaBoards: (() => ({ ok: true, data: { boards: [{ id: 4, name: 'Network Operations', location: 'Main', department: 'Network' }, { id: 9, name: 'Tier 2 Escalations', location: 'Main', department: 'Service' }], cached: true, fetchedAt: at } })) as never,
      // Network Operations answers late; Tier 2 at once.
      psaBoardStatuses: ((a: { boardId: number }) =>
        a.boardId === 4
          ? new Promise((resolve) => pending.push(() => resolve({ ok: true, data: statusesOf(4, 'Network Operations', ['New', 'In Progress']) })))
          : { ok: true, data: statusesOf(9, 'Tier 2 Escalations', ['New (Escalated)', 'Engineer Assigned']) }) as never,
      escalationPreview: (() => ({ ok: true, data: { package: { format: 'text', text: 'pkg', redactionCount: 0, redactions: {} }, destination: { ticket: '184203', flags: { internal: true, discussion: false, resolution: false }, processNotifications: false, alreadyPosted: false } } })) as never,
      escalationSend: (() => ({ ok: true, data: { steps: [{ step: 'ticket', state: 'done', detail: 'moved' }], complete: true, session: session() } })) as never,
    });
    model.session.value = session();
    await model.loadEscalationBoards();
    await model.loadEscalationBoards();
    expect(calls.filter((c) => c.op === 'psaBoards')).toHaveLength(1);
    expect(model.escalation.boards.value?.map((b) => b.name)).toEqual(['Network Operations', 'Tier 2 Escalations']);

    const slow = model.chooseEscalationBoard(4);
    expect(model.escalation.boardStatusesLoad.value).toBe('loading');
    await model.chooseEscalationBoard(9);
    model.escalation.statusId.value = 902;
    pending.forEach((f) => f());
    await slow;
    expect(model.escalation.boardId.value).toBe(9);
    expect(model.escalation.boardStatuses.value?.statuses.map((s) => s.name)).toEqual(['New (Escalated)', 'Engineer Assigned']);
    expect(model.escalation.statusId.value).toBe(902);

    model.escalation.reason.value = 'Needs Tier 2';
    await model.previewEscalation();
    await model.sendEscalation();
    expect(calls.find((c) => c.op === 'escalationSend')?.args).toEqual({ sessionId: 's1', reason: 'Needs Tier 2', boardId: 9, statusId: 902 });

    // Back to "keep the board": no board is sent and the status choice is cleared.
    await model.chooseEscalationBoard(null);
    expect(model.escalation.statusId.value).toBeNull();
    expect(model.escalation.boardStatuses.value).toBeNull();
  });
});
