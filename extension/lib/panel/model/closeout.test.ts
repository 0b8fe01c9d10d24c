// The close-out part of the panel model with a scripted background: what one confirm sends, what a failed step
// leaves on screen, and that a retry sends the same close-out again (the API redoes only what failed).
import { describe, expect, it } from 'vitest';
import type { CloseOutStep, SessionDetail } from '../../common/api-types';
import { defaultRootCause } from './index';
import { scripted, sessionDetail } from './scripted';

const fix = { id: 'f1', title: 'Re-create the Outlook profile', body: '', confidence: null, origin: 'user' as const, decision: 'one_off' as const, accepted: true, decidedAt: null, createdBy: 'u', createdAt: '2026-12-04T10:00:00Z', supersededAt: null, fromSessionId: null };

const at = '2026-12-04T10:00:00Z';
const session = (extra: Partial<SessionDetail> = {}): SessionDetail =>
  sessionDetail('s1', '184201', { stateVersion: 3, updatedAt: at, createdAt: at, activeFix: fix, ...extra } as Partial<SessionDetail>);



const step = (s: CloseOutStep['step'], state: CloseOutStep['state'], detail = `${s} ${state}`): CloseOutStep => ({ step: s, state, detail });

describe('close-out in the panel model', () => {
  it('prefills the root cause from the session, else from the accepted fix only', () => {
    expect(defaultRootCause(session())).toBe('Re-create the Outlook profile');
    expect(defaultRootCause(session({ rootCause: 'Stale cached credentials' }))).toBe('Stale cached credentials');
    expect(defaultRootCause(session({ activeFix: { ...fix, decision: 'dismissed', accepted: false } }))).toBe('');
  });

  it('sends one close-out with the prefilled root cause, the account’s audience, the status and no customer email; a retry sends it again', async () => {
    const answers = [
      { steps: [step('note', 'done'), step('time', 'failed', 'No time was logged: no member mapped'), step('status', 'done'), step('resolve', 'skipped')], complete: false, session: session() },
      { steps: [step('note', 'already'), step('time', 'done'), step('status', 'already'), step('resolve', 'done')], complete: true, session: session({ status: 'resolved' }) },
    ];
    const { model, calls } = scripted({
      getSettings: (() => ({ ok: true, data: { settings: { noteFormat: 'text', noteDefaults: { internal: false, resolution: true, processNotifications: false } } } })) as never,
      closeOut: (() => ({ ok: true, data: answers.shift() })) as never,
    });
    model.session.value = session();
    await model.loadAudience();
    expect(model.closeOut.audience.value).toEqual({ internal: false, resolution: true, discussion: false });
    model.closeOut.statusId.value = 536;
    model.closeOut.minutes.value = '25';
    await model.runCloseOut();
    const sent = calls.filter((c) => c.op === 'closeOut').map((c) => c.args);
    expect(sent).toEqual([
      { sessionId: 's1', rootCause: 'Re-create the Outlook profile', flags: { internal: false, resolution: true, discussion: false }, statusId: 536, emailCustomer: false, minutes: 25 },
    ]);
    expect(model.closeOut.steps.value?.map((s) => s.state)).toEqual(['done', 'failed', 'done', 'skipped']);
    expect(model.closeOut.complete.value).toBe(false);
    expect(model.session.value?.status).toBe('active');

    await model.runCloseOut();
    expect(calls.filter((c) => c.op === 'closeOut').map((c) => c.args)).toEqual([sent[0], sent[0]]);
    expect(model.closeOut.complete.value).toBe(true);
    expect(model.session.value?.status).toBe('resolved');
  });

  it('refuses minutes that are not whole and a note shown nowhere, without calling the API', async () => {
    const { model, calls } = scripted({});
    model.session.value = session();
    model.closeOut.minutes.value = '2.5';
    await model.runCloseOut();
    expect(model.closeOut.error.value).toMatch(/whole number/);
    model.closeOut.minutes.value = '10';
    model.closeOut.audience.value = { internal: false, discussion: false, resolution: false };
    await model.runCloseOut();
    expect(model.closeOut.error.value).toMatch(/Choose where the note shows/);
    expect(calls.filter((c) => c.op === 'closeOut')).toEqual([]);
  });

  it('says nothing was posted when FlowPilot is unreachable (close-out is never queued)', async () => {
    const { model } = scripted({ closeOut: (() => ({ ok: false, queued: true, pending: 1 })) as never });
    model.session.value = session();
    await model.runCloseOut();
    expect(model.closeOut.error.value).toMatch(/nothing was posted/);
    expect(model.closeOut.steps.value).toBeNull();
  });
});
