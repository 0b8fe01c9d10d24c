// The simulated ConnectWise web app in real Chromium, reached as na.myconnectwise.net through --host-resolver-rules.
import puppeteer, { type Browser, type Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath } from '../lib/browser.js';
import { startSimulator, type Simulator } from './simulator.js';

const HOST = 'http://na.myconnectwise.net';

let sim: Simulator;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  // Debian's Chromium is required (README; .ci/run installs it): a missing browser fails here, loudly.
  sim = await startSimulator({ webStepMs: 40 });
  browser = await puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      `--host-resolver-rules=MAP na.myconnectwise.net 127.0.0.1:${sim.port}`, '--disable-features=HttpsUpgrades'],
  });
  page = await browser.newPage();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await sim?.close();
});

const bannerText = () => page.$eval('.cw_BannerView .detailLabel.cw_CwLabel', (el) => el.textContent ?? '').catch(() => '');
const waitBanner = (prefix: string) =>
  page.waitForFunction((p) => document.querySelector('.cw_BannerView .detailLabel.cw_CwLabel')?.textContent?.startsWith(p), { timeout: 5000 }, prefix);
const value = (sel: string) => page.$eval(sel, (el) => (el as HTMLInputElement).value);

describe('simulated ticket screen', () => {
  it('opens a ConnectWise.aspx deep link, appends CW parameters and renders progressively', async () => {
    // Record when each part first appears, from the first byte on: the screen must render in steps
    // (banner before the initial note, in separate tasks), whatever the machine's load.
    const recorder = await page.evaluateOnNewDocument(() => {
      const seen: Record<string, number> = {};
      (window as unknown as { __seen: typeof seen }).__seen = seen;
      new MutationObserver(() => {
        const now = performance.now();
        if (!seen.banner && document.querySelector('.cw_BannerView .detailLabel.cw_CwLabel')?.textContent?.startsWith('Service Ticket #')) seen.banner = now;
        if (!seen.note && document.querySelector('.TicketNote-initialNote')) seen.note = now;
      }).observe(document, { childList: true, subtree: true, characterData: true });
    });
    await page.goto(`${HOST}/v2025_1/ConnectWise.aspx?locale=en_US&routeTo=ServiceFV&recid=184201`);
    await waitBanner('Service Ticket #184201 - ');
    expect(await bannerText()).toBe('Service Ticket #184201 - Outlook keeps prompting for password after Microsoft 365 migration');
    await page.waitForFunction(() => (document.querySelector('input.cw_company') as HTMLInputElement | null)?.value !== '');
    expect(await value('input.cw_PsaSummaryHeader')).toBe('Outlook keeps prompting for password after Microsoft 365 migration');
    expect(await value('input.cw_company')).toBe('Contoso Dental Group');
    expect(await value('input.cw_contact')).toBe('Maria Lopez');
    expect(await value('input.cw_serviceBoard')).toBe('Help Desk');
    expect(await value('div.mm_comboBox input.cw_status')).toBe('In Progress');
    expect(await value('input.cw_priority')).toBe('Priority 3 - Medium');
    // Values are properties, not attributes (GWT sets .value).
    expect(await page.$eval('input.cw_company', (el) => el.getAttribute('value'))).toBeNull();
    await page.waitForSelector('[data-cwid="pod_service_ticket_inital_note"]');
    const seen = await page.evaluate(() => (window as unknown as { __seen: { banner?: number; note?: number } }).__seen);
    await page.removeScriptToEvaluateOnNewDocument(recorder.identifier);
    expect(seen.banner).toBeGreaterThan(0);
    expect(seen.note).toBeGreaterThan(seen.banner!);
    expect(await page.$eval('[data-cwid="pod_service_ticket_inital_note"] .TicketNote-note', (el) => el.textContent)).toContain('Outlook on the front-desk PC');
    expect(await page.$eval('.pod_service_ticket_ticket_header', (el) => document.getElementById(el.id + '-label')?.textContent)).toBe('Ticket #184201');
    expect(await page.$('.cw_ToolbarButton_Save')).not.toBeNull();
    const url = new URL(page.url());
    expect(url.searchParams.get('recid')).toBe('184201');
    expect(url.searchParams.get('fullscreen')).toBe('false');
    expect(url.hash).toMatch(/^#[A-Za-z0-9_-]+\?\?ServiceTicket$/);
    expect(url.hash).not.toContain('184201');
  });

  it('moves to the next ticket by changing only the hash; the query keeps the stale recid; back returns', async () => {
    const before = new URL(page.url());
    let hashChanges = 0;
    await page.exposeFunction('__countHash', () => hashChanges++);
    await page.evaluate(() => window.addEventListener('hashchange', () => (window as unknown as { __countHash: () => void }).__countHash()));
    const inputBefore = await page.$('input.cw_PsaSummaryHeader');
    await page.click('[data-sim-nav="next"]');
    await waitBanner('Service Ticket #184202 - ');
    await page.waitForFunction(() => (document.querySelector('input.cw_PsaSummaryHeader') as HTMLInputElement).value.startsWith('VPN'));
    const after = new URL(page.url());
    expect(after.search).toBe(before.search);
    expect(after.searchParams.get('recid')).toBe('184201');
    expect(after.hash).not.toBe(before.hash);
    expect(hashChanges).toBe(1);
    // Same input element, reused in place.
    expect(await page.evaluate((a, b) => a === b, inputBefore, await page.$('input.cw_PsaSummaryHeader'))).toBe(true);
    await page.goBack();
    await waitBanner('Service Ticket #184201 - ');
  });

  it('serves the board, opens a ticket from a row, and shows the new-ticket and company screens as non-tickets', async () => {
    await page.goto(`${HOST}/v4_6_release/services/system_io/Service/fv_sr100_request.rails?service_recid=184203&companyName=FabrikamMfg`);
    await waitBanner('Service Ticket #184203 - ');
    await page.click('#cwHeader [data-sim-nav="board"]');
    await page.waitForSelector('table.srboard-grid tr.cw-ml-row');
    expect(await bannerText()).toBe('Service Board');
    expect(new URL(page.url()).hash).toMatch(/\?\?ServiceBoard$/);
    const rows = await page.$$eval('table.srboard-grid tr.cw-ml-row', (trs) => trs.map((tr) => tr.getAttribute('data-recid')));
    expect(rows.length).toBe(sim.data.tickets.length);
    await page.click('tr.cw-ml-row[data-recid="184211"] a.cw-ml-ticket-link');
    await waitBanner('Service Ticket #184211 - ');
    expect(new URL(page.url()).searchParams.get('service_recid')).toBe('184203');

    await page.click('[data-sim-nav="company"]');
    await waitBanner('Northwind Law LLP');
    expect(new URL(page.url()).hash).toMatch(/\?\?CompanyDetail$/);
    expect(await page.$('input.cw_PsaSummaryHeader')).toBeNull();

    await page.click('#cwHeader [data-sim-nav="new"]');
    await waitBanner('New Service Ticket');
    expect(new URL(page.url()).hash).toMatch(/\?\?ServiceTicketNew$/);
    expect(await value('input.cw_PsaSummaryHeader')).toBe('');
    expect(await page.$('.pod_service_ticket_ticket_header')).toBeNull();
  });

  it('shows a note posted through the API when the ticket is opened again, as text', async () => {
    const res = await fetch(`${sim.apiBase}/service/tickets/184205/notes`, {
      method: 'POST',
      headers: {
        Authorization: 'Basic ' + Buffer.from(`${sim.credentials.companyId}+${sim.credentials.publicKey}:${sim.credentials.privateKey}`).toString('base64'),
        clientId: sim.credentials.clientId,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ text: '<img src=x onerror=alert(1)> Replaced the fuser.', resolutionFlag: true, processNotifications: false }),
    });
    expect(res.status).toBe(201);
    await page.goto(`${HOST}/v2025_1/ConnectWise.aspx?locale=en_US&routeTo=ServiceFV&srRecID=184205`);
    await page.waitForSelector('.TicketNote[data-note-id] .TicketNote-note');
    const texts = await page.$$eval('.TicketNote .TicketNote-note', (els) => els.map((e) => e.textContent));
    expect(texts).toContain('<img src=x onerror=alert(1)> Replaced the fuser.');
    expect(await page.$('.TicketNote img')).toBeNull();
  });

  it('shows a modal, not a ticket screen, for an unknown ticket', async () => {
    await page.goto(`${HOST}/v2025_1/services/system_io/router/openrecord.rails?locale=en_US&recordType=ServiceFv&recid=999999`);
    await page.waitForSelector('.cw-gxt-wnd');
    expect(await page.$('.cw_ServiceTicketScreen')).toBeNull();
  });
});
