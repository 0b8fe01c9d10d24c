// The contract between the small ticket content script and the panel bundle it loads on the first ticket screen.
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import type { TicketContext } from '../ticket-context';

/** The panel bundle (entrypoints/panel.ts), built by WXT as an unlisted script at the extension's root. */
export const PANEL_SCRIPT = '/panel.js';

/** The panel as the content script drives it: one per content script instance, alive until ctx is invalidated. */
export interface PanelApp {
  /** Renders the panel into this element (inside the shadow root). */
  mount(el: HTMLElement): void;
  unmount(el: HTMLElement): void;
  /** The ticket on screen now, or null when the engineer left the ticket screen. */
  setTicket(ticket: TicketContext | null): void;
}

export type CreatePanelApp = (ctx: ContentScriptContext) => Promise<PanelApp>;

/*
 * The background injects panel.js into the content script's own isolated world (never the page's), where it
 * leaves its factory under this key. A registry symbol, so both bundles name the same slot; the page's
 * JavaScript lives in another world and cannot see or replace it.
 */
const SLOT = Symbol.for('flowpilot.panel');
type Host = typeof globalThis & { [SLOT]?: CreatePanelApp };

/** Called by panel.js when it runs. */
export function publishPanel(create: CreatePanelApp): void {
  (globalThis as Host)[SLOT] = create;
}

/**
 * Takes the factory panel.js just left (and clears the slot, so a later content script instance, e.g.
 * after an extension update, never picks up a factory bound to an invalidated extension context).
 */
export function takePanel(): CreatePanelApp | undefined {
  const host = globalThis as Host;
  const create = host[SLOT];
  delete host[SLOT];
  return create;
}
