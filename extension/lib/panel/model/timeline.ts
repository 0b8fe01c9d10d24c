// Work on the session's timeline: steps, notes and commands, facts, the suggested fix, escalating, resolving.
import type { Core } from './core';
import type { SyncPart } from './sync';

export function createTimeline(core: Core, sync: SyncPart, reloadSession: () => Promise<void>) {
  const { deps, session, sid, run } = core;
  const { queue } = sync;

  async function chooseOption(optionId: string | undefined, stepNote?: string) {
    const s = session.value;
    const node = s?.currentNode;
    if (!s || !node) return;
    await run(
      'Record step',
      () => deps.call('recordStep', { sessionId: s.id, nodeId: node.id, optionId, note: stepNote || undefined }),
      (d) => {
        session.value = d.session;
      },
      () => queue('recordStep', `${node.title}: ${node.options.find((o) => o.id === optionId)?.label ?? 'done'}`),
    );
  }

  async function addEvent(kind: 'note' | 'command' | 'observation', text: string) {
    const id = sid();
    if (!id || !text.trim()) return;
    await run(
      'Add ' + kind,
      () => deps.call('addEvent', { sessionId: id, kind, text }),
      () => void reloadSession(),
      () => queue(kind === 'command' ? 'addCommand' : 'addNote', text),
    );
  }

  async function addFact(text: string, sourceRef?: string | null, origin: 'user' | 'copilot' = 'user') {
    const id = sid();
    if (!id || !text.trim()) return false;
    const r = await run(
      'Add fact',
      () => deps.call('addFact', { sessionId: id, text: text.trim(), sourceRef: sourceRef ?? null, origin }),
      (d) => {
        const s = session.value;
        if (s) session.value = { ...s, facts: [...s.facts, d.fact] };
      },
      () => queue('addFact', text.trim()),
    );
    return r.ok || ('queued' in r && r.queued === true);
  }

  async function editFact(factId: string, text: string) {
    const id = sid();
    if (!id || !text.trim()) return;
    await run('Edit fact', () => deps.call('editFact', { sessionId: id, factId, text: text.trim() }), (d) => {
      const s = session.value;
      if (s) session.value = { ...s, facts: s.facts.map((f) => (f.id === factId ? d.fact : f)) };
    });
  }

  async function removeFact(factId: string) {
    const id = sid();
    if (!id) return;
    await run('Remove fact', () => deps.call('removeFact', { sessionId: id, factId }), () => {
      const s = session.value;
      if (s) session.value = { ...s, facts: s.facts.filter((f) => f.id !== factId) };
    });
  }

  async function decideFix(action: 'accept' | 'reject') {
    const s = session.value;
    const fix = s?.activeFix;
    if (!s || !fix) return;
    await run(
      action === 'accept' ? 'Accept fix' : 'Reject fix',
      () => deps.call('decideFix', { sessionId: s.id, fixId: fix.id, action }),
      (d) => {
        const cur = session.value;
        if (cur) session.value = { ...cur, activeFix: d.fix };
      },
      () => queue(action === 'accept' ? 'acceptFix' : 'rejectFix', fix.title),
    );
  }

  /**
   * Makes this the session's suggested fix (it supersedes the one before): the engineer's own, typed in
   * the fix card, or the copilot's, taken from its proposal. Queued like every write; true when kept.
   */
  async function proposeFix(fix: { title: string; body?: string; confidence?: number }, origin: 'user' | 'copilot'): Promise<boolean> {
    const id = sid();
    const title = fix.title.trim();
    if (!id || !title) return false;
    const body = fix.body?.trim() ?? '';
    const r = await run(
      'Propose fix',
      () => deps.call('proposeFix', { sessionId: id, title, body, ...(fix.confidence !== undefined ? { confidence: fix.confidence } : {}), origin }),
      (d) => {
        const cur = session.value;
        if (cur?.id === id) session.value = { ...cur, activeFix: d.fix };
      },
      () => queue('proposeFix', title),
    );
    return r.ok || ('queued' in r && r.queued === true);
  }

  async function escalate(reason: string) {
    const id = sid();
    if (!id || !reason.trim()) return;
    await run('Escalate', () => deps.call('escalate', { sessionId: id, reason: reason.trim() }), () => void reloadSession(), () => queue('escalate'));
  }

  async function postEscalation() {
    const id = sid();
    if (!id) return;
    await run('Post escalation', () => deps.call('postEscalation', { sessionId: id }), () => void reloadSession(), () => queue('postEscalation'));
  }

  async function resolve() {
    const id = sid();
    if (!id) return;
    await run('Resolve', () => deps.call('resolve', { sessionId: id }), () => void reloadSession(), () => queue('resolve'));
  }

  return { chooseOption, addEvent, addFact, editFact, removeFact, decideFix, proposeFix, escalate, postEscalation, resolve };
}
