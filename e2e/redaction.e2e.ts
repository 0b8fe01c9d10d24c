// The note preview says what it hides ("2 hidden: …"), marks each spot, and lets the engineer
// un-hide a false positive for this note only (the API records it and bumps the note's version).
// With privacy.requirePreview on, Ask shows what it would send first and answers only on Send.
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { inPanel, panelVisibleText, screenshot, waitForPanelText, type ExtensionBrowser } from './lib/browser.js';
import { startAnthropicFake, type AnthropicFake } from '../api/test/fakes/anthropic.js';
import { openTicketSignedIn } from './lib/extension.js';
import { panelEval, panelType, panelWaitFor } from './lib/panel.js';
import { startStack, type Stack } from './lib/stack.js';

const TICKET = 184202;
const PASSWORD = 'Kx9!mQ2vT7';
const GATED_TICKET = 184205;

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

describe('an account that requires a look before each kind of model call', () => {
  let fake: AnthropicFake;
  let stack: Stack;
  let eb: ExtensionBrowser;
  let page: Page;

  beforeAll(async () => {
    fake = await startAnthropicFake();
    stack = await startStack(inject('e2eAppUrl'), { env: { ANTHROPIC_API_KEY: 'sk-ant-e2e-key', ANTHROPIC_BASE_URL: fake.url } });
    await stack.api('PUT', '/v1/settings', { privacy: { requirePreview: true } });
    await stack.api('POST', '/v1/sessions', { ticket: { externalId: String(GATED_TICKET), summary: `Printer in exam room 3 prints blank pages; admin password: ${PASSWORD}` } });
    ({ eb, page } = await openTicketSignedIn(stack, GATED_TICKET));
  });
  afterAll(async () => {
    await eb?.close();
    await stack?.close();
    await fake?.close();
  });

  /** A DOM click on the element itself: a card arriving above it cannot make the click land elsewhere. */
  const press = async (selector: string) => (await inPanel(page, selector)).evaluate((e) => (e as HTMLElement).click());
  const previewOf = (what: string) =>
    panelWaitFor(page, (root, w) => root?.querySelector('[data-fp="outbound-preview"] h3')?.textContent === `What will be sent: ${w}` && !!root.querySelector('[data-fp="preview-send"]'), { what: `the ${what} preview, held` }, what);
  const asked = () => fake.requests.filter((r) => !(r.body as { tools?: unknown[] }).tools?.length);

  it('Ask on a fresh ticket shows what the question would send first, and answers only on Send', async () => {
    // The summary loads with the session: the first model call on the ticket, held behind its own preview.
    await previewOf('summary');
    await panelType(page, '[data-fp="ask-input"]', 'Which printer driver fixed blank pages last time?');
    await press('[data-fp="ask-button"]');
    await previewOf('question');
    const fields = await panelEval(page, (root) => [...root!.querySelectorAll('[data-fp="preview-field"] dt')].map((d) => d.textContent));
    // Anthropic's two fields, then what Voyage would get (not called here: no Voyage key).
    expect(fields).toEqual(['Ticket, session facts and sources (fenced as data)', 'Question', 'Query (input_type "query") (fenced as data)']);
    const shown = await panelVisibleText(page);
    expect(shown).toContain('Which printer driver fixed blank pages last time?');
    expect(shown).not.toContain(PASSWORD);
    expect(await panelEval(page, (root) => root!.querySelector('[data-fp="ask-answer"]'))).toBeNull();
    expect(asked()).toHaveLength(0); // nothing left for the model yet
    await screenshot(page, 'panel-ask-preview-first');

    await press('[data-fp="preview-send"]');
    const answer = await inPanel(page, '[data-fp="ask-answer"]');
    expect(await answer.evaluate((e) => (e as HTMLElement).innerText)).toContain('Hello from the fake.');
    expect(await panelEval(page, (root) => root!.querySelector('[data-fp="ask-answer"] [data-fp="answer-tier"]')?.textContent)).toMatch(/^fast/);
    expect(await panelEval(page, (root) => root!.querySelector('[data-fp="outbound-preview"]'))).toBeNull();
    expect(asked()).toHaveLength(1);
    expect(JSON.stringify(asked()[0]!.body)).toContain('Which printer driver fixed blank pages last time?');
    expect(JSON.stringify(asked()[0]!.body)).not.toContain(PASSWORD);
  });
});
