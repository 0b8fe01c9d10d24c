// The escalation briefing and the client memory proposed on resolve, in the panel model over a scripted background.
import { describe, expect, it, vi } from 'vitest';
import type { OperationName } from '../../common/operations';
import { scripted, sessionDetail } from './scripted';

const TICKET = { psa: 'connectwise' as const, externalId: '7', summary: 'VPN drops', company: 'Contoso', url: 'https://na.myconnectwise.net/x#7' };
const briefing = { known: ['VPN drops hourly'], ruledOut: [], hypothesis: 'DHCP lease', next: ['Check the lease time'] };

function panel(inPackage: boolean) {
  let status = 'active';
  const session = () => sessionDetail('s-1', '7', { status: status as never });
  const { model, calls } = scripted({
    findSessions: () => ({ ok: true, data: { sessions: [session()] } }),
    getSession: () => ({ ok: true, data: { session: session() } }),
    askHistory: () => ({ ok: true, data: { conversationId: null, turns: [] } }),
    escalationPreview: () => ({ ok: true, data: { package: { text: 'package', format: 'text', redactionCount: 0 } } }),
    escalationBriefing: () => ({ ok: true, data: { briefing, tier: inPackage ? 'deep' : 'offline', model: inPackage ? 'claude-x' : null, fallbackReason: null, stateVersion: 2, inPackage } }),
    resolve: () => {
      status = 'resolved';
      return { ok: true, data: { session: session() } };
    },
    proposeMemory: () => ({ ok: true, data: { origin: 'rule', proposed: [{ id: 'm-1' }], fallbackReason: null } }),
    clientMemory: () => ({ ok: true, data: { company: 'Contoso', confirmed: [], proposed: [] } }),
  });
  return { model, ops: () => calls.map((c) => c.op as OperationName) };
}

async function open(model: ReturnType<typeof panel>['model']) {
  await model.refreshAccount();
  await model.setTicket(TICKET);
}

describe('the escalation briefing in the panel', () => {
  it('writes the preview again when the model’s briefing joined the package', async () => {
    const { model, ops } = panel(true);
    await open(model);
    model.escalation.reason.value = 'needs the network team';
    await model.previewEscalation();
    await model.writeBriefing();
    expect(model.briefing.result.value?.inPackage).toBe(true);
    expect(ops().filter((o) => o === 'escalationPreview')).toHaveLength(2);
    expect(model.briefing.writing.value).toBe(false);
  });

  it('shows the offline briefing without writing the preview again', async () => {
    const { model, ops } = panel(false);
    await open(model);
    model.escalation.reason.value = 'needs the network team';
    await model.previewEscalation();
    await model.writeBriefing();
    expect(model.briefing.result.value?.briefing.known).toEqual(['VPN drops hourly']);
    expect(ops().filter((o) => o === 'escalationPreview')).toHaveLength(1);
  });
});

describe('client memory proposed on resolve', () => {
  it('asks for proposals once when the session on screen is resolved here, then reloads the memory', async () => {
    const { model, ops } = panel(false);
    await open(model);
    expect(ops()).not.toContain('proposeMemory');
    await model.resolve();
    await vi.waitFor(() => expect(ops().slice(ops().indexOf('proposeMemory'))).toContain('clientMemory'));
    expect(ops().filter((o) => o === 'proposeMemory')).toHaveLength(1);
  });
});
