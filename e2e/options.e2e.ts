// The options page: sign in, save the ConnectWise connection, and the test button's success and failure.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'puppeteer';
import { launchWithExtension, screenshot, type ExtensionBrowser } from './lib/browser.js';
import { fill, signInViaOptions } from './lib/extension.js';
import { startStack, type Stack } from './lib/stack.js';

describe('options page', () => {
  let stack: Stack;
  let eb: ExtensionBrowser;
  let page: Page;

  beforeAll(async () => {
    stack = await startStack(inject('e2eAppUrl'));
    eb = await launchWithExtension({ simPort: stack.sim.port });
  });
  afterAll(async () => {
    await eb?.close();
    await stack?.close();
  });

  const text = (sel: string) => page.$eval(sel, (e) => e.textContent ?? '');

  it('signs in and refuses an incomplete connection with field messages', async () => {
    page = await signInViaOptions(eb, stack.apiUrl, stack.account.email, stack.account.password);
    await page.waitForSelector('[data-fp="opt-psa"]');
    await fill(page, 'input[name="site"]', 'not a host!');
    await page.click('[data-fp="opt-psa-save"]');
    await page.waitForSelector('[data-fp="opt-psa-msg"].error');
    expect(await page.$$eval('input[aria-invalid="true"]', (els) => els.map((e) => e.getAttribute('name')))).toEqual(
      expect.arrayContaining(['site', 'companyId', 'publicKey', 'privateKey', 'clientId']),
    );
  });

  it('saves the connection and the test button reports success', async () => {
    const c = stack.sim.credentials;
    await fill(page, 'input[name="site"]', stack.sim.url);
    await fill(page, 'input[name="companyId"]', c.companyId);
    await fill(page, 'input[name="publicKey"]', c.publicKey);
    await fill(page, 'input[name="privateKey"]', c.privateKey);
    await fill(page, 'input[name="clientId"]', c.clientId);
    await page.click('[data-fp="opt-psa-save"]');
    await page.waitForSelector('[data-fp="opt-psa-msg"].ok', { timeout: 15_000 });
    expect(await text('[data-fp="opt-psa-msg"]')).toContain('saved');
    // The private key is write-only: the form does not get it back.
    expect(await page.$eval('input[name="privateKey"]', (e) => (e as HTMLInputElement).value)).toBe('');
    const saved = (await stack.api<Record<string, unknown>>('GET', '/v1/settings/psa')) as Record<string, unknown>;
    expect(JSON.stringify(saved)).not.toContain(c.privateKey);

    await page.click('[data-fp="opt-psa-test"]');
    await page.waitForSelector('[data-fp="opt-psa-test-msg"].ok', { timeout: 20_000 });
    expect(await text('[data-fp="opt-psa-test-msg"]')).toMatch(/Connection OK/);
    await screenshot(page, 'options-test-ok');
  });

  it('reports a failed test when ConnectWise refuses the keys', async () => {
    await fill(page, 'input[name="privateKey"]', 'wrong-private-key');
    await page.click('[data-fp="opt-psa-save"]');
    await page.waitForSelector('[data-fp="opt-psa-msg"].ok', { timeout: 15_000 });
    await page.click('[data-fp="opt-psa-test"]');
    await page.waitForSelector('[data-fp="opt-psa-test-msg"].error', { timeout: 20_000 });
    expect(await text('[data-fp="opt-psa-test-msg"]')).toMatch(/Connection failed/);
    await screenshot(page, 'options-test-failed');
  });
});
