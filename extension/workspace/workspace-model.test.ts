// The workspace model with a scripted background: roles, saving (refused with problems, then create and versioned
// update), a conflicting save, import and export, and leaving a flow with unsaved changes.
import { describe, expect, it } from 'vitest';
import { STARTER_FLOWS } from '../../api/services/flows/library';
import type { User } from '../lib/common/api-types';

type Role = User['role'];
import type { OperationName } from '../lib/common/operations';
import type { CallResult } from '../lib/common/protocol';
import { parseFlowFile } from './flow-file';
import { createWorkspaceModel } from './workspace-model';

type Handler = (args: never) => CallResult<unknown>;

function scripted(role: Role, handlers: Partial<Record<OperationName, Handler>> = {}) {
  const calls: { op: OperationName; args: unknown }[] = [];
  const downloads: { fileName: string; text: string }[] = [];
  const call = async (op: OperationName, args: unknown) => {
    calls.push({ op, args });
    const h = handlers[op] as ((a: unknown) => CallResult<unknown>) | undefined;
    if (h) return h(args);
    if (op === 'libraryFlows') return { ok: true as const, data: { flows: [] } };
    return { ok: false as const, error: { status: 404, code: 'not_found', message: `no ${op}` } };
  };
  const model = createWorkspaceModel({
    // The scripted call answers whatever the handler gives; the model's generic signature is satisfied at runtime.
    call: call as never,
    accountState: async () => ({ signedIn: true, user: { id: 'u', accountId: 'a', name: 'Ann', email: 'ann@x', role, disabled: false, createdAt: '2026-12-01T00:00:00.000Z' }, apiBase: 'http://127.0.0.1:8787' }),
    openOptions: () => {},
    download: (fileName, text) => downloads.push({ fileName, text }),
    confirm: () => true,
    copy: async () => {},
  });
  return { model, calls, downloads, writes: () => calls.filter((c) => ['createFlow', 'updateFlow'].includes(c.op)) };
}

const stored = (args: { title: string; kind: string; graph: unknown }, version: number) => ({
  ok: true as const,
  data: { flow: { id: '8d0f7a52-9a8f-4c55-9a65-3c7f1d9d2b11', version, title: args.title, kind: args.kind, tags: [], graph: args.graph } },
});

/** A question with two answers, one to a solution and one to an escalation, drawn through the editor. */
function drawValidFlow(model: ReturnType<typeof createWorkspaceModel>) {
  const ed = model.editor;
  const q = ed.addNode('question');
  ed.connectNew(q, ed.addNode('solution'));
  ed.connectNew(q, ed.addNode('escalate'));
}

describe('workspace model', () => {
  it('lets a viewer read but not save, and says proposals are for team admins', async () => {
    const { model, writes } = scripted('viewer');
    await model.init();
    model.newFlow();
    expect(model.readOnly.value).toBe(true);
    expect(await model.save()).toBe(false);
    expect(writes()).toEqual([]);
    model.go('proposals');
    await Promise.resolve();
    expect(model.proposalFeedback.value?.text).toMatch(/team admins/);
  });

  it('refuses to save while the canvas shows problems, then creates, then updates on the version it was made on', async () => {
    const { model, writes } = scripted('engineer', {
      createFlow: ((a: { title: string; kind: string; graph: unknown }) => stored(a, 1)) as never,
      updateFlow: ((a: { title: string; kind: string; graph: unknown; version: number }) => stored(a, a.version + 1)) as never,
    });
    await model.init();
    model.newFlow();
    model.setMeta({ title: 'Printer offline', tags: 'Printer, printer , spooler' });
    model.editor.addNode('question');
    expect(await model.save()).toBe(false);
    expect(model.editorFeedback.value?.text).toMatch(/fix the problem marked on the canvas/);
    expect(writes()).toEqual([]);

    model.editor.undo();
    drawValidFlow(model);
    expect(await model.save()).toBe(true);
    expect(writes()[0]).toMatchObject({ op: 'createFlow', args: { title: 'Printer offline', tags: ['printer', 'spooler'], graph: { start: 'question_1' } } });
    expect(model.dirty.value).toBe(false);

    model.editor.updateNode('solution_1', { body: 'Restart the spooler.' });
    expect(model.dirty.value).toBe(true);
    expect(await model.save()).toBe(true);
    expect(writes()[1]).toMatchObject({ op: 'updateFlow', args: { flowId: '8d0f7a52-9a8f-4c55-9a65-3c7f1d9d2b11', version: 1 } });
    expect(model.editorFeedback.value?.text).toContain('(version 2)');
  });

  it('says what to do when someone else saved the flow meanwhile, and keeps the edit', async () => {
    const { model } = scripted('engineer', {
      createFlow: ((a: { title: string; kind: string; graph: unknown }) => stored(a, 1)) as never,
      updateFlow: (() => ({ ok: false, error: { status: 409, code: 'version_conflict', message: 'changed' } })) as never,
    });
    await model.init();
    model.newFlow();
    model.setMeta({ title: 'Printer offline' });
    drawValidFlow(model);
    await model.save();
    model.setMeta({ title: 'Printer offline (v2)' });
    expect(await model.save()).toBe(false);
    expect(model.editorFeedback.value?.text).toMatch(/someone saved this flow meanwhile/);
    expect(model.open.value?.title).toBe('Printer offline (v2)');
    expect(model.dirty.value).toBe(true);
  });

  it('asks twice before leaving unsaved changes', async () => {
    const { model } = scripted('engineer');
    await model.init();
    model.newFlow();
    // Nothing drawn or typed yet: nothing to lose.
    model.closeEditor();
    expect(model.open.value).toBeNull();
    model.newFlow();
    model.setMeta({ title: 'Half done' });
    model.closeEditor();
    expect(model.open.value).not.toBeNull();
    expect(model.editorFeedback.value?.text).toMatch(/unsaved changes/);
    model.closeEditor();
    expect(model.open.value).toBeNull();
  });

  it('exports a flow to a file that imports back as a new, unsaved flow with the same graph', async () => {
    const starter = STARTER_FLOWS[0]!;
    const { model, downloads, writes } = scripted('engineer', {
      getFlow: (() => ({ ok: true, data: { flow: { ...starter, id: '8d0f7a52-9a8f-4c55-9a65-3c7f1d9d2b11', version: 3 } } })) as never,
    });
    await model.init();
    await model.exportFlow('8d0f7a52-9a8f-4c55-9a65-3c7f1d9d2b11');
    expect(downloads).toHaveLength(1);
    expect(downloads[0]!.fileName).toMatch(/^outlook-[a-z0-9-]+\.flow\.json$/);

    model.importFlow(downloads[0]!.text);
    expect(model.open.value).toMatchObject({ id: null, title: starter.title, kind: starter.kind, category: starter.category });
    expect(model.editor.graph()).toEqual(starter.graph);
    expect(model.editor.problems.value).toEqual([]);
    expect(model.dirty.value).toBe(true);
    expect(writes()).toEqual([]);
  });

  it('refuses a file that is not a flow, saying why', async () => {
    const { model } = scripted('engineer');
    await model.init();
    model.importFlow('{"title": "x"');
    expect(model.libraryFeedback.value?.text).toBe('Not imported: The file is not JSON.');
    model.importFlow(JSON.stringify({ title: 'x', kind: 'troubleshooting', graph: { start: 'a', nodes: [{ id: 'a', kind: 'question' }] } }));
    expect(model.libraryFeedback.value?.text).toBe('Not imported: Step 1 needs an id, a kind and a title.');
    expect(model.open.value).toBeNull();
    expect(parseFlowFile(JSON.stringify({ title: 'x', kind: 'recipe', graph: { start: 'a', nodes: [] } }))).toEqual({
      ok: false,
      error: "The flow's kind must be one of troubleshooting, procedural, maintenance.",
    });
  });
  it('sends a dismissal with the reason given (none when left blank), and takes the proposal off the list', async () => {
    const proposal = (id: string) => ({ id, title: `Proposal ${id}`, kind: 'troubleshooting', description: '', tags: [], graph: { start: 'a', nodes: [] }, sources: [], sourceSessionIds: [] });
    const { model, calls } = scripted('team_admin', {
      flowProposals: (() => ({ ok: true, data: { proposals: [proposal('p1'), proposal('p2')] } })) as never,
      decideProposal: (() => ({ ok: true, data: {} })) as never,
    });
    await model.init();
    await model.loadProposals();
    await model.decideProposal(model.proposals.value[0]!, 'dismiss', '  already covered by the VPN flow ');
    await model.decideProposal(model.proposals.value[0]!, 'dismiss', '   ');
    expect(calls.filter((c) => c.op === 'decideProposal').map((c) => c.args)).toEqual([
      { proposalId: 'p1', action: 'dismiss', reason: 'already covered by the VPN flow' },
      { proposalId: 'p2', action: 'dismiss' },
    ]);
    expect(model.proposals.value).toEqual([]);
    expect(model.proposalFeedback.value?.text).toBe('Dismissed "Proposal p2".');
  });

  it('opens a session the panel linked to (#/v1/sessions/<id>) in the history, searched on the server', async () => {
    const id = '0b7d7c3e-3f6b-4f7e-9f59-6a1d7d1f0c01';
    const { model, calls } = scripted('viewer', {
      sessionHistory: (() => ({ ok: true, data: { sessions: [], nextCursor: null } })) as never,
      team: (() => ({ ok: true, data: { users: [], unmapped: [] } })) as never,
      sessionHistoryView: ((a: { sessionId: string }) => ({ ok: true, data: { session: { id: a.sessionId }, shares: [] } })) as never,
    });
    await model.init(`#/v1/sessions/${id}`);
    expect(model.section.value).toBe('sessions');
    expect(model.history.viewing.value?.session.id).toBe(id);
    expect(calls.find((c) => c.op === 'sessionHistory')?.args).toEqual({ limit: 25 });
  });

  it("opens the builder's draft in the editor as a new, unsaved flow, and asks first when the open flow has unsaved changes", async () => {
    const graph = { start: 'q', nodes: [{ id: 'q', kind: 'solution', title: 'Clear the jam', options: [] }] };
    const { model } = scripted('engineer', {
      generateFlow: (() => ({
        ok: true,
        data: { draft: { kind: 'troubleshooting', title: 'Printer jams', description: 'From a sentence', tags: ['printer'], graph }, origin: 'offline', model: null, basedOn: null, repaired: false, fallbackReason: null, tier: 'offline' },
      })) as never,
    });
    await model.init();
    model.newFlow();
    model.setMeta({ title: 'Half-drawn' });
    model.builder.prompt.value = 'printer jams';
    await model.builder.generate();
    model.go('builder');
    model.openDraft();
    expect(model.open.value?.title).toBe('Half-drawn');
    expect(model.builder.feedback.value?.text).toMatch(/unsaved changes/);
    model.openDraft();
    expect(model.section.value).toBe('flows');
    expect(model.open.value).toMatchObject({ id: null, title: 'Printer jams', description: 'From a sentence', tags: 'printer' });
    expect(model.editor.graph()).toEqual(graph);
    expect(model.dirty.value).toBe(true);
  });
});
