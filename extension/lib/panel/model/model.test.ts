// The panel model with a scripted background: what the engineer sees as tickets change, writes queue, and replays land.
import { describe, expect, it } from 'vitest';
import type { NotePreview, SessionDetail, SessionSummary } from '../../common/api-types';
import { OPERATIONS } from '../../common/operations';
import { createPanelModel, noteText, toTicketRef, workedMinutes } from './index';
import { scripted, sessionDetail as session } from './scripted';
import type { CallResult } from '../../common/protocol';
import type { TicketContext } from '../../ticket-context';

const ticket = (id: string, summary = 'VPN drops'): TicketContext => ({ psa: 'connectwise', externalId: id, summary, url: `https://na.myconnectwise.net/v2025_1/x#${id}` });




/** The ticket as the API stores it from what the panel read. */
const seen = (id: string) => toTicketRef(ticket(id));

const summaries = (...s: SessionDetail[]): { sessions: SessionSummary[] } => ({ sessions: s });

describe('the panel model', () => {
  it('opens the ticket’s active session, and switches when the ticket changes in place', async () => {
    const { model } = scripted({
      findSessions: ((a: { ticket: string }) => ({ ok: true, data: summaries(session(`s-${a.ticket}`, a.ticket)) })) as never,
      getSession: ((a: { sessionId: string }) => ({ ok: true, data: { session: session(a.sessionId, a.sessionId.slice(2)) } })) as never,
    });
    await model.refreshAccount();
    await model.setTicket(ticket('100'));
    expect(model.session.value?.id).toBe('s-100');
    await model.setTicket(ticket('200'));
    expect(model.session.value?.id).toBe('s-200');
    expect(model.ticket.value?.externalId).toBe('200');
  });

  it('offers flows, recommended first, when the ticket has no session', async () => {
    const flow = (id: string, title: string) => ({ id, title, kind: 'troubleshooting' as const });
    const { model } = scripted({
      findSessions: (() => ({ ok: true, data: summaries() })) as never,
      searchFlows: ((a: { q?: string }) =>
        a.q === 'outlook' || a.q === 'password'
          ? { ok: true, data: { flows: [flow('f2', 'Outlook password loop')] } }
          : a.q
            ? { ok: true, data: { flows: [] } }
            : { ok: true, data: { flows: [flow('f1', 'Account lockout'), flow('f2', 'Outlook password loop')] } }) as never,
    });
    await model.refreshAccount();
    // The number shows before the summary (progressive rendering); the recommendation follows the summary.
    await model.setTicket({ ...ticket('300'), summary: undefined });
    await new Promise((r) => setTimeout(r, 0));
    expect(model.recommended.value).toEqual([]);
    await model.setTicket(ticket('300', 'Outlook keeps asking for a password'));
    await new Promise((r) => setTimeout(r, 0));
    expect(model.session.value).toBeNull();
    expect(model.flows.value.map((f) => f.id)).toEqual(['f2', 'f1']);
    expect(model.recommended.value).toEqual(['f2']);
  });

  it('keeps the engineer’s search when the session check answers after it', async () => {
    let answerFind: (r: CallResult<unknown>) => void = () => {};
    const { model, calls } = scripted({
      findSessions: (() => new Promise((r) => (answerFind = r))) as never,
      searchFlows: ((a: { q?: string }) => ({
        ok: true,
        data: { flows: a.q ? [{ id: 'f9', title: 'Printer offline', kind: 'troubleshooting' }] : [{ id: 'f1', title: 'Account lockout', kind: 'troubleshooting' }] },
      })) as never,
    });
    await model.refreshAccount();
    const opening = model.setTicket(ticket('310'));
    model.flowQuery.value = 'printer';
    await model.loadFlows();
    expect(model.flows.value.map((f) => f.id)).toEqual(['f9']);
    answerFind({ ok: true, data: summaries() });
    await opening;
    await new Promise((r) => setTimeout(r, 0));
    // No second load: the results the engineer is about to click stay put.
    expect(calls.filter((c) => c.op === 'searchFlows')).toHaveLength(1);
    expect(model.flowsLoad.value).toBe('ready');
    expect(model.flows.value.map((f) => f.id)).toEqual(['f9']);
  });

  it('puts a flow on a session started without one, and the flow’s first step shows', async () => {
    const firstStep = { id: 'n1', kind: 'question' as const, title: 'Does webmail (OWA) accept the password?', options: [{ id: 'yes', label: 'Yes' }] };
    const { model, calls } = scripted({
      findSessions: (() => ({ ok: true, data: summaries() })) as never,
      searchFlows: (() => ({ ok: true, data: { flows: [{ id: 'f1', title: 'Outlook password loop', kind: 'troubleshooting' }] } })) as never,
      startSession: (() => ({ ok: true, data: { session: session('s1', '700', { ticket: seen('700') }) } })) as never,
      chooseFlow: ((a: { sessionId: string; flowId: string }) => ({
        ok: true,
        data: { session: session(a.sessionId, '700', { ticket: seen('700'), flowId: a.flowId, currentNodeId: 'n1', currentNode: firstStep }) },
      })) as never,
    });
    await model.refreshAccount();
    await model.setTicket(ticket('700'));
    await model.startSession(null);
    expect(model.session.value?.currentNode).toBeNull();

    model.changeFlow();
    expect(model.changingFlow.value).toBe(true);
    await new Promise((r) => setTimeout(r, 0));
    expect(model.flows.value.map((f) => f.title)).toEqual(['Outlook password loop']);
    await model.startSession('f1');
    expect(calls.filter((c) => c.op === 'startSession')).toHaveLength(1);
    expect(calls.find((c) => c.op === 'chooseFlow')?.args).toEqual({ sessionId: 's1', flowId: 'f1' });
    expect(model.changingFlow.value).toBe(false);
    expect(model.session.value?.currentNode?.title).toBe('Does webmail (OWA) accept the password?');
  });

  it('puts the chosen flow on the ticket’s open session when the start answers with it (popup, another tab)', async () => {
    const { model, calls } = scripted({
      findSessions: (() => ({ ok: true, data: summaries() })) as never,
      searchFlows: (() => ({ ok: true, data: { flows: [] } })) as never,
      // POST /v1/sessions answers 200 with the session that was already open, flow untouched.
      startSession: (() => ({ ok: true, data: { session: session('s9', '800', { ticket: seen('800') }) } })) as never,
      chooseFlow: ((a: { sessionId: string; flowId: string }) => ({ ok: true, data: { session: session(a.sessionId, '800', { ticket: seen('800'), flowId: a.flowId }) } })) as never,
    });
    await model.refreshAccount();
    await model.setTicket(ticket('800'));
    const r = await model.startSession('f2');
    expect(r.ok && r.data.session.flowId).toBe('f2');
    expect(calls.map((c) => c.op).filter((op) => op === 'startSession' || op === 'chooseFlow')).toEqual(['startSession', 'chooseFlow']);
    expect(model.session.value?.flowId).toBe('f2');
  });

  it('gives the open session the company ConnectWise renders after the ticket number, once', async () => {
    const stored: { ticket: ReturnType<typeof seen> } = { ticket: { psa: 'connectwise', externalId: '850', summary: 'VPN drops' } };
    const { model, calls } = scripted({
      findSessions: (() => ({ ok: true, data: summaries(session('s5', '850', stored)) })) as never,
      getSession: (() => ({ ok: true, data: { session: session('s5', '850', stored) } })) as never,
      // The API fills in blanks only.
      fillTicket: ((a: { ticket: Partial<ReturnType<typeof seen>> }) => {
        stored.ticket = { ...stored.ticket, ...Object.fromEntries(Object.entries(a.ticket).filter(([k, v]) => v && !stored.ticket[k as 'company'])) };
        return { ok: true, data: { session: session('s5', '850', stored) } };
      }) as never,
    });
    await model.refreshAccount();
    await model.setTicket(ticket('850'));
    expect(model.session.value?.ticket.company ?? null).toBeNull();
    await model.setTicket({ ...ticket('850'), company: 'Fabrikam Manufacturing' });
    await new Promise((r) => setTimeout(r, 0));
    expect(model.session.value?.ticket.company).toBe('Fabrikam Manufacturing');
    // The same ticket read again (nothing new) sends nothing more.
    await model.setTicket({ ...ticket('850'), company: 'Fabrikam Manufacturing' });
    await new Promise((r) => setTimeout(r, 0));
    expect(calls.filter((c) => c.op === 'fillTicket')).toHaveLength(1);
    expect(calls.find((c) => c.op === 'fillTicket')?.args).toMatchObject({ sessionId: 's5', ticket: { company: 'Fabrikam Manufacturing' } });
    expect(calls.some((c) => c.op === 'startSession')).toBe(false);
  });

  it('makes the engineer’s own fix the suggested one, and lists it as waiting when offline', async () => {
    let offline = false;
    const { model, calls } = scripted({
      findSessions: (() => ({ ok: true, data: summaries(session('s1', '900')) })) as never,
      getSession: (() => ({ ok: true, data: { session: session('s1', '900') } })) as never,
      proposeFix: ((a: { title: string; body: string }) =>
        offline
          ? { ok: false, queued: true, pending: 1 }
          : { ok: true, data: { fix: { id: 'x1', title: a.title, body: a.body, confidence: null, origin: 'user', decision: null, accepted: false, supersededAt: null } } }) as never,
    });
    await model.refreshAccount();
    await model.setTicket(ticket('900'));
    expect(await model.proposeFix({ title: '  Re-create the Outlook profile ', body: 'outlook.exe /profiles' }, 'user')).toBe(true);
    expect(calls.find((c) => c.op === 'proposeFix')?.args).toEqual({ sessionId: 's1', title: 'Re-create the Outlook profile', body: 'outlook.exe /profiles', origin: 'user' });
    expect(model.session.value?.activeFix?.title).toBe('Re-create the Outlook profile');
    offline = true;
    expect(await model.proposeFix({ title: 'Reset the mailbox rules' }, 'user')).toBe(true);
    expect(model.queued.value).toEqual([expect.objectContaining({ kind: 'proposeFix', text: 'Reset the mailbox rules' })]);
    expect(await model.proposeFix({ title: '   ' }, 'user')).toBe(false);
  });

  it('shows a queued fact at once and clears it when the replay has landed', async () => {
    const { model } = scripted({
      findSessions: (() => ({ ok: true, data: summaries(session('s1', '400')) })) as never,
      getSession: (() => ({ ok: true, data: { session: session('s1', '400') } })) as never,
      addFact: (() => ({ ok: false, queued: true, pending: 1 })) as never,
    });
    await model.refreshAccount();
    await model.setTicket(ticket('400'));
    expect(await model.addFact('Only the Finance VLAN')).toBe(true);
    expect(model.queued.value).toEqual([expect.objectContaining({ kind: 'addFact', text: 'Only the Finance VLAN' })]);
    expect(model.notice.value).toMatch(/saved offline/);
    model.setSync({ state: 'offline', pending: 1, failed: [], replayedAt: 0 });
    model.setSync({ state: 'online', pending: 0, failed: [], replayedAt: 1 });
    expect(model.queued.value).toEqual([]);
  });

  it('says why a write failed', async () => {
    const { model } = scripted({
      findSessions: (() => ({ ok: true, data: summaries(session('s1', '500')) })) as never,
      getSession: (() => ({ ok: true, data: { session: session('s1', '500') } })) as never,
      addFact: (() => ({ ok: false, error: { status: 409, code: 'session_closed', message: 'This session is resolved' } })) as never,
    });
    await model.refreshAccount();
    await model.setTicket(ticket('500'));
    expect(await model.addFact('late fact')).toBe(false);
    expect(model.error.value).toBe('Add fact failed: This session is resolved');
  });

  it('logs the session’s time to the ticket, prefilled with the worked minutes, never through the offline queue', async () => {
    // 10:00 → 10:40, paused 10:10–10:20: 30 worked minutes.
    const worked = session('s1', '610', {
      createdAt: '2026-11-25T10:00:00.000Z',
      lane: [
        { id: 'a', kind: 'status', at: '2026-11-25T10:10:00.000Z', by: null, status: 'paused' },
        { id: 'b', kind: 'status', at: '2026-11-25T10:20:00.000Z', by: null, status: 'active' },
        { id: 'c', kind: 'note', at: '2026-11-25T10:40:00.000Z', by: null, text: 'done' },
      ],
    });
    let answer: CallResult<unknown> = {
      ok: true,
      data: { alreadyLogged: false, externalId: '77', timeEntry: { externalId: '77', ticketId: '610', minutes: 25, billableOption: 'NoCharge' } },
    };
    const { model, calls } = scripted({
      findSessions: (() => ({ ok: true, data: summaries(worked) })) as never,
      getSession: (() => ({ ok: true, data: { session: worked } })) as never,
      logTime: (() => answer) as never,
    });
    await model.refreshAccount();
    await model.setTicket(ticket('610'));
    expect(model.timeMinutes.value).toBe('30');

    // A ConnectWise refusal shows the API's message as is, and nothing is queued.
    answer = { ok: false, error: { status: 422, code: 'psa_member_unmapped', message: 'Your FlowPilot user is not mapped to a ConnectWise member.' } };
    await model.logTime();
    expect(model.time.error.value).toBe('Your FlowPilot user is not mapped to a ConnectWise member.');
    expect(model.time.logged.value).toBeNull();
    expect(model.queued.value).toEqual([]);

    answer = { ok: true, data: { alreadyLogged: false, externalId: '77', timeEntry: { externalId: '77', ticketId: '610', minutes: 25, billableOption: 'NoCharge' } } };
    model.time.minutes.value = '25';
    model.time.billable.value = 'NoCharge';
    await model.logTime();
    expect(calls.filter((c) => c.op === 'logTime').map((c) => c.args)).toEqual([
      { sessionId: 's1', billable: 'Billable', minutes: 30 },
      { sessionId: 's1', billable: 'NoCharge', minutes: 25 },
    ]);
    expect(model.time.error.value).toBeNull();
    expect(model.time.logged.value).toEqual({ externalId: '77', minutes: 25, alreadyLogged: false });
    // The background sends it straight away: the operation carries no queue.
    expect(OPERATIONS.logTime.build({ sessionId: 's1', minutes: 25 })).toEqual({ method: 'POST', path: '/v1/sessions/s1/time-entry', body: { minutes: 25 } });

    // An emptied field lets the API pick its default; a bad value never leaves the panel.
    await model.setTicket(ticket('611'));
    expect(model.time.logged.value).toBeNull();
    await model.setTicket(ticket('610'));
    model.time.minutes.value = '1.5';
    await model.logTime();
    expect(model.time.error.value).toMatch(/whole number from 1 to 1440/);
    model.time.minutes.value = '';
    await model.logTime();
    expect(calls.filter((c) => c.op === 'logTime').at(-1)?.args).toEqual({ sessionId: 's1', billable: 'Billable' });
  });

  it('counts no worked minutes without a start (the API defaults), at least one otherwise', () => {
    expect(workedMinutes({ createdAt: '', endedAt: null, lane: [] })).toBeNull();
    expect(workedMinutes({ createdAt: '2026-11-25T10:00:00Z', endedAt: null, lane: [] })).toBe(1);
    expect(workedMinutes({ createdAt: '2026-11-25T10:00:00Z', endedAt: '2026-11-25T10:12:01Z', lane: [] })).toBe(13);
  });

  it('does nothing with the API while signed out, but keeps the ticket', async () => {
    const calls: string[] = [];
    const model = createPanelModel({
      call: (async (op: string) => {
        calls.push(op);
        return { ok: true, data: {} };
      }) as never,
      accountState: async () => ({ signedIn: false, user: null, apiBase: '' }),
    });
    await model.refreshAccount();
    await model.setTicket(ticket('600'));
    expect(model.ticket.value?.externalId).toBe('600');
    expect(calls).toEqual([]);
  });

  it('opens the note preview in the account’s note format, and keeps the engineer’s choice after that', async () => {
    const { model, calls } = scripted({
      findSessions: (() => ({ ok: true, data: summaries(session('s-500', '500')) })) as never,
      getSession: (() => ({ ok: true, data: { session: session('s-500', '500') } })) as never,
      getSettings: (() => ({ ok: true, data: { settings: { noteFormat: 'text', noteDefaults: { internal: false, resolution: true } } } })) as never,
      resolutionNote: ((a: { format: string }) => ({ ok: true, data: { note: { text: `note as ${a.format}`, format: a.format, redactionSpots: [] } } })) as never,
    });
    await model.refreshAccount();
    await model.setTicket(ticket('500'));
    await model.loadNote();
    const asked = () => calls.filter((c) => c.op === 'resolutionNote').map((c) => (c.args as { format: string }).format);
    expect(asked()).toEqual(['text']);
    expect(model.note.format.value).toBe('text');
    expect([model.note.internal.value, model.note.resolution.value]).toEqual([false, true]);
    await model.loadNote('html');
    await model.loadNote();
    expect(asked()).toEqual(['text', 'html', 'html']);
  });
});

describe('noteText', () => {
  it('reads the API’s JSON note and plain text', () => {
    expect(noteText({ note: { format: 'markdown', text: '## Problem' } } as NotePreview)).toBe('## Problem');
    expect(noteText('plain')).toBe('plain');
  });
});
