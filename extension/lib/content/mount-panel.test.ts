// The content script's mount logic: off a ticket nothing loads; the first ticket loads the panel once and mounts it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ContentScriptContext } from 'wxt/utils/content-script-context';
import { startTicketPanel } from './mount-panel';
import type { PanelApp } from '../common/panel-host';
import type { TicketContext } from '../ticket-context';

const FIXTURES = path.join(import.meta.dirname, '__fixtures__');
function show(name: string) {
  const html = readFileSync(path.join(FIXTURES, name), 'utf8');
  document.body.innerHTML = new DOMParser().parseFromString(html, 'text/html').body.innerHTML;
}

function fakePanel() {
  const seen: (string | null)[] = [];
  const mounted = new Set<HTMLElement>();
  const app: PanelApp = {
    mount: (el) => {
      mounted.add(el);
      el.textContent = 'panel';
    },
    unmount: (el) => void mounted.delete(el),
    setTicket: (t: TicketContext | null) => void seen.push(t?.externalId ?? null),
  };
  const load = vi.fn(async () => app);
  return { load, seen, mounted };
}

const panelHost = () => document.querySelector('flowpilot-panel');

describe('the content script on ConnectWise', () => {
  let ctx: ContentScriptContext | undefined;
  afterEach(() => {
    ctx?.abort();
    document.body.innerHTML = '';
  });

  it('loads nothing off a ticket screen, loads the panel once on the first ticket, and follows the engineer', async () => {
    ctx = new ContentScriptContext('ticket');
    const panel = fakePanel();
    show('service-board.html');
    startTicketPanel(ctx, panel.load);
    await new Promise((r) => setTimeout(r, 50));
    expect(panel.load).not.toHaveBeenCalled();
    expect(panelHost()).toBeNull();

    show('ticket-screen.html');
    await vi.waitFor(() => expect(panel.seen).toEqual(['123456']), { timeout: 3000 });
    expect(panelHost()).not.toBeNull();
    expect(panel.mounted.size).toBe(1);
    // The page's scripts cannot reach into the panel: its shadow root is closed.
    expect(panelHost()!.shadowRoot).toBeNull();
    expect([...panel.mounted][0]!.textContent).toBe('panel');

    show('service-board.html');
    await vi.waitFor(() => expect(panel.seen).toEqual(['123456', null]), { timeout: 3000 });
    expect(panelHost()).toBeNull();
    expect(panel.mounted.size).toBe(0);

    show('ticket-screen.html');
    await vi.waitFor(() => expect(panel.seen).toEqual(['123456', null, '123456']), { timeout: 3000 });
    expect(panelHost()).not.toBeNull();
    expect(panel.load).toHaveBeenCalledTimes(1);
  });
});
