// The session history's model with a scripted background: the filters become the API's query, pages follow the
// cursor, an older answer never overwrites a newer one, typing asks once it pauses, and share links are made,
// copied once and revoked (not by a viewer).
import { signal } from '@preact/signals';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OPERATIONS, type OperationName } from '../lib/common/operations';
import type { CallResult } from '../lib/common/protocol';
import { createSessionsModel, PAGE_SIZE, searchOf, shareState, TYPING_MS, type ShareLink } from './sessions-model';
import { failure } from './workspace-model';

const SID = '0b7d7c3e-3f6b-4f7e-9f59-6a1d7d1f0c01';
const ENGINEER = '5e0f3a1c-1d6b-4c5e-8a7e-2b9d4c6e8f10';

const item = (n: number) => ({ id: `s${n}`, status: 'resolved', ticket: { externalId: String(184200 + n), summary: `Ticket ${n}`, company: 'Fabrikam' }, engineer: 'Ann', createdAt: '2026-12-01T10:00:00.000Z' });
const link = (id: string, over: Partial<ShareLink> = {}): ShareLink => ({
  id,
  sessionId: SID,
  createdBy: { id: 'u', name: 'Ann' },
  createdAt: '2026-12-04T10:00:00.000Z',
  expiresAt: '2026-12-07T10:00:00.000Z',
  revokedAt: null,
  active: true,
  ...over,
});

type Answer = CallResult<unknown> | Promise<CallResult<unknown>>;

function scripted(answer: (op: OperationName, args: Record<string, unknown>) => Answer, opts: { canEdit?: boolean } = {}) {
  const calls: { op: OperationName; args: Record<string, unknown> }[] = [];
  const copied: string[] = [];
  const model = createSessionsModel({
    call: (async (op: OperationName, args: Record<string, unknown>) => {
      calls.push({ op, args });
      return answer(op, args);
    }) as never,
    canEdit: signal(opts.canEdit ?? true),
    failure,
    copy: async (text) => void copied.push(text),
    confirm: () => true,
  });
  return { model, calls, copied, of: (op: OperationName) => calls.filter((c) => c.op === op).map((c) => c.args) };
}

const ok = (data: unknown) => ({ ok: true as const, data });

afterEach(() => vi.useRealTimers());

describe('session history model', () => {
  it('turns the filters into the API query, and refuses a reversed date range without asking', () => {
    expect(searchOf({ text: '  fabrikam 184203 ', status: 'escalated', engineer: ENGINEER, from: '2026-11-01', to: '2026-11-30' })).toEqual({
      ok: true,
      search: { q: 'fabrikam 184203', status: ['escalated'], engineer: ENGINEER, from: '2026-11-01', to: '2026-11-30' },
    });
    expect(searchOf({ text: ' ', status: '', engineer: '', from: '', to: '' })).toEqual({ ok: true, search: {} });
    expect(searchOf({ text: '', status: '', engineer: '', from: '2026-12-02', to: '2026-12-01' })).toMatchObject({ ok: false });
    // …and the operation sends them as the session-history route reads them.
    expect(OPERATIONS.sessionHistory.build({ q: 'vpn', status: ['resolved', 'escalated'], from: '2026-11-01', limit: 25 }).path).toBe(
      '/v1/session-history?q=vpn&status=resolved%2Cescalated&from=2026-11-01&limit=25',
    );
  });

  it('loads a first page with the engineers to pick from, then more pages along the cursor with the same filters', async () => {
    const { model, of } = scripted((op, args) => {
      if (op === 'team') return ok({ users: [{ id: ENGINEER, name: 'Ann', disabled: false }, { id: 'x', name: 'Bob', disabled: true }], unmapped: [] });
      if (op === 'sessionHistory' && !args.cursor) return ok({ sessions: [item(1), item(2)], nextCursor: 'c1' });
      if (op === 'sessionHistory' && args.cursor === 'c1') return ok({ sessions: [item(2), item(3)], nextCursor: null });
      throw new Error(`unexpected ${op}`);
    });
    model.filter.value = { ...model.filter.value, status: 'resolved', engineer: ENGINEER };
    await model.load();
    expect(of('sessionHistory')).toEqual([{ status: ['resolved'], engineer: ENGINEER, limit: PAGE_SIZE }]);
    expect(model.engineers.value).toEqual([{ id: ENGINEER, name: 'Ann' }, { id: 'x', name: 'Bob (disabled)' }]);
    expect(model.items.value.map((s) => s.id)).toEqual(['s1', 's2']);
    expect(model.nextCursor.value).toBe('c1');

    await model.loadMore();
    expect(of('sessionHistory')[1]).toEqual({ status: ['resolved'], engineer: ENGINEER, cursor: 'c1', limit: PAGE_SIZE });
    expect(model.items.value.map((s) => s.id)).toEqual(['s1', 's2', 's3']);
    expect(model.nextCursor.value).toBeNull();
    await model.loadMore();
    expect(of('sessionHistory')).toHaveLength(2);
  });

  it('keeps the newest search when an older answer arrives last, and says when nothing matches', async () => {
    let releaseFirst!: () => void;
    const { model } = scripted((_op, args) => {
      if (args.q === 'old') return new Promise((r) => (releaseFirst = () => r(ok({ sessions: [item(1)], nextCursor: 'stale' }))));
      return ok({ sessions: [], nextCursor: null });
    });
    model.filter.value = { ...model.filter.value, text: 'old' };
    const first = model.search();
    model.filter.value = { ...model.filter.value, text: 'newer' };
    await model.search();
    releaseFirst();
    await first;
    expect(model.items.value).toEqual([]);
    expect(model.nextCursor.value).toBeNull();
    expect(model.searching.value).toBe(false);
    expect(model.feedback.value).toEqual({ kind: 'ok', text: 'No session matches.' });
  });

  it('asks once typing pauses, busy from the first key; a picker asks at once', async () => {
    vi.useFakeTimers();
    const { model, of } = scripted(() => ok({ sessions: [item(1)], nextCursor: null }));
    for (const text of ['f', 'fa', 'fab']) model.setFilter({ text }, { typing: true });
    expect(model.searching.value).toBe(true);
    expect(of('sessionHistory')).toEqual([]);
    await vi.advanceTimersByTimeAsync(TYPING_MS);
    expect(of('sessionHistory')).toEqual([{ q: 'fab', limit: PAGE_SIZE }]);
    expect(model.searching.value).toBe(false);

    model.setFilter({ status: 'escalated' });
    await vi.advanceTimersByTimeAsync(0);
    expect(of('sessionHistory')[1]).toEqual({ q: 'fab', status: ['escalated'], limit: PAGE_SIZE });
    model.setFilter({ from: '2026-12-03', to: '2026-12-01' });
    await vi.advanceTimersByTimeAsync(TYPING_MS);
    expect(of('sessionHistory')).toHaveLength(2);
    expect(model.feedback.value?.kind).toBe('error');
  });

  it('opens a session with its share links; makes one (its URL offered once, copied), and revokes it', async () => {
    const made = link('new');
    const { model, of, copied } = scripted((op, args) => {
      if (op === 'sessionHistoryView') return ok({ session: { id: args.sessionId }, engineer: 'Ann', flowTitle: null, note: { kind: 'resolution', text: 'n' }, shares: [link('old', { active: false, revokedAt: '2026-12-04T11:00:00.000Z' })] });
      // The link as made carries no creator's name; the list read after it does.
      if (op === 'createShare') return ok({ url: 'http://127.0.0.1:8787/v1/shared/fpsl_x', expiresAt: made.expiresAt, share: { ...made, createdBy: { id: 'u', name: null } } });
      if (op === 'listShares') return ok({ shares: [made, link('old', { active: false, revokedAt: '2026-12-04T11:00:00.000Z' })] });
      if (op === 'revokeShare') return ok({ share: { ...made, active: false, revokedAt: '2026-12-04T12:00:00.000Z' } });
      throw new Error(`unexpected ${op}`);
    });
    await model.open(SID);
    expect(model.shares.value.map((s) => s.id)).toEqual(['old']);

    await model.createShare();
    expect(of('createShare')).toEqual([{ sessionId: SID }]);
    expect(model.shares.value.map((s) => [s.id, s.createdBy.name])).toEqual([
      ['new', 'Ann'],
      ['old', 'Ann'],
    ]);
    expect(model.created.value).toEqual({ shareId: 'new', url: 'http://127.0.0.1:8787/v1/shared/fpsl_x' });
    await model.copyCreated();
    expect(copied).toEqual(['http://127.0.0.1:8787/v1/shared/fpsl_x']);

    await model.revokeShare(model.shares.value[0]!);
    expect(of('revokeShare')).toEqual([{ sessionId: SID, shareId: 'new' }]);
    expect(model.shares.value[0]).toMatchObject({ id: 'new', active: false });
    expect(model.created.value).toBeNull();
    expect(model.shareFeedback.value?.text).toMatch(/revoked/);
  });

  it('lets a viewer read share links but not make one', async () => {
    const { model, of } = scripted(() => ok({ session: { id: SID }, engineer: null, flowTitle: null, note: { kind: 'resolution', text: '' }, shares: [] }), { canEdit: false });
    await model.open(SID);
    await model.createShare();
    expect(of('createShare')).toEqual([]);
    expect(model.canShare.value).toBe(false);
  });

  it('says when a link stops working', () => {
    const now = new Date('2026-12-05T00:00:00.000Z');
    expect(shareState(link('a'), now)).toMatch(/^expires /);
    expect(shareState(link('a', { expiresAt: '2026-12-04T23:00:00.000Z' }), now)).toBe('expired');
    expect(shareState(link('a', { revokedAt: '2026-12-04T11:00:00.000Z' }), now)).toBe('revoked');
  });
});
