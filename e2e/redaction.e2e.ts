// The note preview says what it hides ("2 hidden: …"), marks each spot, and lets the engineer
// un-hide a false positive for this note only (the API records it and bumps the note's version).
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { inPanel, panelVisibleText, screenshot, waitForPanelText, type ExtensionBrowser } from './lib/browser.js';
import { openTicketSignedIn } from './lib/extension.js';
import { startStack, type Stack } from './lib/stack.js';

const TICKET = 184202;
const PASSWORD = 'Kx9!mQ2vT7';

describe('reviewing what the note preview hides', () => {
  let stack: Stack;
  let eb: ExtensionBrowser;
  let page: Page;
  let sessionId: string;

  beforeAll(async () => {
    stack = await startStack(inject('e2eAppUrl'));
    const created = await stack.api<{ session: { id: string } }>('POST', '/v1/sessions', {
      ticket: { externalId: String(TICKET), summary: 'Label printer asks for a PIN', company: 'Contoso Dental' },
    });
    sessionId = created.session.id;
    await stack.api('POST', `/v1/sessions/${sessionId}/events`, { kind: 'observation', text: 'Printer PIN 4821 is printed on its label' });
    await stack.api('POST', `/v1/sessions/${sessionId}/events`, { kind: 'note', text: `Reset the print admin, password: ${PASSWORD}` });
    ({ eb, page } = await openTicketSignedIn(stack, TICKET, `/v4_6_release/services/system_io/Service/fv_sr100_request.rails?service_recid=${TICKET}`));
  });
  afterAll(async () => {
    await eb?.close();
    await stack?.close();
  });

  it('shows "N hidden: …" and marks each hidden spot in the preview', async () => {
    await (await inPanel(page, '[data-fp="note-open"]')).click();
    await inPanel(page, '[data-fp="note-preview"]');
    await waitForPanelText(page, '2 hidden: 1 code, 1 password');
    const first = await inPanel(page, '[data-fp="note-preview"] [data-fp="redaction-mark"][data-marker="1"]');
    const second = await inPanel(page, '[data-fp="note-preview"] [data-fp="redaction-mark"][data-marker="2"]');
    expect(await first.evaluate((e) => e.textContent)).toMatch(/\[redacted recovery code\]/);
    expect(await second.evaluate((e) => e.textContent)).toMatch(/\[redacted password\]/);
    const shown = await panelVisibleText(page);
    expect(shown).not.toContain(PASSWORD);
    expect(shown).not.toContain('PIN 4821');
    await screenshot(page, 'panel-note-redactions');
  });

  it('un-hides a false positive for this note only', async () => {
    const before = await stack.api<{ note: { stateVersion: number } }>('GET', `/v1/sessions/${sessionId}/resolution-note?format=markdown`);
    await (await inPanel(page, '[data-fp="note-unhide"][data-marker="1"]')).click();
    await waitForPanelText(page, 'PIN 4821');
    await waitForPanelText(page, '1 hidden: 1 password');
    await inPanel(page, '[data-fp="redaction-revealed"]');
    expect(await panelVisibleText(page)).not.toContain(PASSWORD);
    const after = await stack.api<{ note: { stateVersion: number; text: string; redactionSpots: { revealed: boolean }[] } }>(
      'GET',
      `/v1/sessions/${sessionId}/resolution-note?format=text`,
    );
    expect(after.note.stateVersion).toBeGreaterThan(before.note.stateVersion);
    expect(after.note.text).toContain('PIN 4821');
    expect(after.note.text).not.toContain(PASSWORD);
    // The account's rules did not change.
    const settings = await stack.api<{ settings: { redaction: unknown } }>('GET', '/v1/settings');
    expect(settings.settings.redaction).toEqual({ patterns: [], words: [] });
    await screenshot(page, 'panel-note-unhidden');
  });
});
