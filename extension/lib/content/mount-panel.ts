// What runs on every ConnectWise page: follow the app, and on a ticket screen mount the panel (loaded then, once).
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { createShadowRootUi, type ShadowRootContentScriptUi } from 'wxt/utils/content-script-ui/shadow-root';
import type { PanelApp } from '../common/panel-host';
import { takePanel } from '../common/panel-host';
import { sendMessage } from '../common/protocol';
import type { TicketContext } from '../ticket-context';
import { watchTicket } from './ticket-watcher';

/** Asks the background to inject the panel bundle into this frame, then builds it. */
async function loadPanel(ctx: ContentScriptContext): Promise<PanelApp> {
  await sendMessage('loadPanel');
  const create = takePanel();
  if (!create) throw new Error('the panel bundle did not load');
  return create(ctx);
}

/**
 * Watches for the ticket screen. Off a ticket nothing else runs: no panel code, no stylesheet fetch, no
 * messages. The first ticket loads the panel and its shadow root; later ones only mount, remove and update it.
 */
export function startTicketPanel(ctx: ContentScriptContext, load: (ctx: ContentScriptContext) => Promise<PanelApp> = loadPanel) {
  let app: PanelApp | null = null;
  let ui: ShadowRootContentScriptUi<HTMLElement> | null = null;
  let latest: TicketContext | null = null;
  // One change at a time, in order; each applies the newest ticket, so a swap during the first load is not lost.
  let queue: Promise<void> = Promise.resolve();

  async function apply() {
    if (ctx.isInvalid || (!latest && !app)) return;
    if (!app) app = await load(ctx);
    const panel = app;
    ui ??= await createShadowRootUi(ctx, {
      name: 'flowpilot-panel',
      position: 'inline',
      anchor: 'body',
      append: 'last',
      // Closed: the ConnectWise page's scripts get null for host.shadowRoot, so they cannot read the ticket work
      // (facts, the note preview) or script clicks on our buttons. Only the extension reaches in.
      mode: 'closed',
      isolateEvents: true,
      onMount(container) {
        const el = document.createElement('div');
        container.append(el);
        panel.mount(el);
        return el;
      },
      onRemove(el) {
        if (el) panel.unmount(el);
      },
    });
    if (ctx.isInvalid) return;
    const ticket = latest;
    if (ticket && !ui.mounted) ui.mount();
    if (!ticket && ui.mounted) ui.remove();
    panel.setTicket(ticket);
  }

  let failures = 0;
  function update() {
    queue = queue.then(apply).then(
      () => void (failures = 0),
      (err: unknown) => {
        if (ctx.isInvalid) return;
        // The background did not answer (a service worker being restarted): try again a few times, then wait
        // for the next ticket change.
        console.warn('FlowPilot: the panel could not be shown', err);
        if (++failures <= 3) ctx.setTimeout(update, 500 * failures);
      },
    );
  }

  watchTicket(ctx, (ticket) => {
    latest = ticket;
    update();
  });
}
