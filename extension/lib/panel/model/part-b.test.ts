// The panel's past sessions, timeline entries and maintenance run, with a scripted background.
import { describe, expect, it } from 'vitest';
import type { SessionDetail } from '../../common/api-types';
import type { CallResult } from '../../common/protocol';
import { luminance } from '../theme';
import { parseTargets, type PastSession } from './index';
import { scripted as scriptedModel, sessionDetail, type Script } from './scripted';

const node = { id: 'install', kind: 'action', title: 'Install the updates', options: [{ id: 'done', label: 'Installed', next: 'reboot' }] };

const session = (extra: Partial<SessionDetail> = {}): SessionDetail =>
  sessionDetail('s-1', '100', { ticket: { psa: 'connectwise', externalId: '100', company: 'Contoso' }, ...extra });

const past = (id: string, fix: string | null): PastSession => ({
  sessionId: id,
  ticket: { externalId: id, summary: `Ticket ${id}`, company: 'Contoso' },
  status: 'resolved',
  rootCause: null,
  fix: fix ? { id: `f-${id}`, title: fix, body: '' } : null,
  createdAt: '2026-11-20T10:00:00Z',
  endedAt: '2026-11-20T11:00:00Z',
});

async function scripted(handlers: Script, s = session()) {
  const scriptedPanel = scriptedModel(handlers);
  await scriptedPanel.model.refreshAccount();
  scriptedPanel.model.session.value = s;
  return scriptedPanel;
}

const ok = <T>(data: T): CallResult<T> => ({ ok: true, data });
const down: CallResult<never> = { ok: false, error: { status: 503, code: 'unavailable', message: 'API down' } };

describe('past sessions', () => {
  it('fails quietly (no panel error), then a retry shows the similar ones and the company’s last five', async () => {
    let up = false;
    const company = ['a', 'b', 'c', 'd', 'e', 'f'].map((x) => past(x, null));
    const { model } = await scripted({
      similarSessions: (() => (up ? ok({ similar: [past('p1', 'Clear cached credentials')] }) : down)) as never,
      companyHistory: (() => ok({ sessions: company })) as never,
    });
    await model.loadPast();
    expect(model.past.value.load).toBe('error');
    expect(model.error.value).toBeNull();
    up = true;
    await model.loadPast();
    expect(model.past.value.load).toBe('ready');
    expect(model.past.value.similar.map((p) => p.fix?.title)).toEqual(['Clear cached credentials']);
    expect(model.past.value.company.map((p) => p.sessionId)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('proposes a past session’s fix as this session’s fix', async () => {
    const fix = { id: 'fx', title: 'Clear cached credentials', body: '', confidence: null, origin: 'user', decision: null };
    const { model, calls } = await scripted({ proposeFixFrom: (() => ok({ fix, stateVersion: 2 })) as never });
    await model.useFixFrom('p1');
    expect(calls.at(-1)).toEqual({ op: 'proposeFixFrom', args: { sessionId: 's-1', fromSessionId: 'p1' } });
    expect(model.session.value?.activeFix?.title).toBe('Clear cached credentials');
  });
});

describe('timeline entries', () => {
  it('edits and removes by entry id, then shows the session as the API has it', async () => {
    const edited = session({ lane: [{ id: 'li_aaaaaaaaaaaa', kind: 'observation', at: '2026-11-25T10:05:00Z', by: 'u', text: 'fixed text' }] } as Partial<SessionDetail>);
    const { model, calls } = await scripted({
      editEvent: (() => ok({ item: edited.lane[0], stateVersion: 2 })) as never,
      removeEvent: (() => ok({ ok: true, stateVersion: 3 })) as never,
      getSession: (() => ok({ session: edited })) as never,
    });
    expect(await model.editEntry('li_aaaaaaaaaaaa', '  fixed text ')).toBe(true);
    await new Promise((r) => setTimeout(r, 0));
    expect(calls.find((c) => c.op === 'editEvent')?.args).toEqual({ sessionId: 's-1', itemId: 'li_aaaaaaaaaaaa', text: 'fixed text' });
    expect(model.session.value?.lane[0]?.text).toBe('fixed text');
    expect(await model.editEntry('li_aaaaaaaaaaaa', '   ')).toBe(false);
    await model.removeEntry('li_aaaaaaaaaaaa');
    expect(calls.filter((c) => c.op === 'removeEvent')).toHaveLength(1);
  });

  it('shows the API’s refusal (a step is changed at its source)', async () => {
    const { model } = await scripted({
      editEvent: (() => ({ ok: false, error: { status: 409, code: 'edit_at_source', message: 'This entry is a step of the flow; change the answer at that step instead.' } })) as never,
    });
    expect(await model.editEntry('li_bbbbbbbbbbbb', 'x')).toBe(false);
    expect(model.error.value).toContain('change the answer at that step');
  });
});

describe('maintenance runs', () => {
  it('reads targets once each, in order', () => {
    expect(parseTargets(' NW-DC01, NW-SQL01\nNW-FS01,, NW-DC01 ')).toEqual(['NW-DC01', 'NW-SQL01', 'NW-FS01']);
  });

  it('records the step with each target’s result and note, then resets the cells and reloads the grid', async () => {
    const after = session({ currentNode: { ...node, id: 'reboot', title: 'Reboot' } } as Partial<SessionDetail>);
    const grid = { targets: ['DC01', 'SQL01'], steps: [], totals: {} };
    const { model, calls } = await scripted(
      { recordStep: (() => ok({ session: after })) as never, sessionTargets: (() => ok(grid)) as never },
      session({ currentNode: node } as Partial<SessionDetail>),
    );
    const mt = model.maintenance;
    mt.setTargets(['DC01', 'SQL01']);
    mt.setCell('SQL01', { result: 'failed', note: ' 0x80070643 ' });
    await mt.recordOnTargets('done');
    expect(calls.find((c) => c.op === 'recordStep')?.args).toEqual({
      sessionId: 's-1',
      nodeId: 'install',
      optionId: 'done',
      targets: [
        { name: 'DC01', result: 'done' },
        { name: 'SQL01', result: 'failed', note: '0x80070643' },
      ],
    });
    expect(model.session.value?.currentNode?.id).toBe('reboot');
    expect(mt.cells.value.SQL01).toEqual({ result: 'done', note: '' });
    expect(mt.grid.value).toEqual({ load: 'ready', data: grid });
  });
});

describe('theme', () => {
  it('measures a page background: white is light, near-black is dark, transparent says nothing', () => {
    expect(luminance('rgb(255, 255, 255)')).toBeCloseTo(1);
    expect(luminance('rgb(30, 30, 30)')!).toBeLessThan(0.2);
    expect(luminance('rgba(0, 0, 0, 0)')).toBeNull();
    expect(luminance('not a colour')).toBeNull();
  });
});
