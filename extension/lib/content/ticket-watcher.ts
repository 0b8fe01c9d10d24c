// Follows ConnectWise's single-page app: hash/popstate/locationchange, a cheap debounced observer and a light poll.
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { readTicketContext, type TicketContext } from '../ticket-context';

export interface WatchOptions {
  /** Poll interval for the banner signature (ticket swaps that reuse the same inputs). */
  pollMs?: number;
  debounceMs?: number;
}

/** Calls `onChange` with the ticket on screen whenever it changes (null when none), until ctx is invalidated. */
export function watchTicket(ctx: ContentScriptContext, onChange: (ticket: TicketContext | null) => void, opts: WatchOptions = {}) {
  let last = '\u0001';
  let pending: number | undefined;

  const check = () => {
    pending = undefined;
    if (ctx.isInvalid) return;
    const ticket = readTicketContext(document, location);
    const key = ticket ? JSON.stringify(ticket) : '';
    if (key === last) return;
    last = key;
    onChange(ticket);
  };

  // Observer callbacks stay synchronous and cheap: they only (re)arm one timer.
  const soon = () => {
    if (pending !== undefined) return;
    pending = ctx.setTimeout(check, opts.debounceMs ?? 250);
  };

  ctx.addEventListener(window, 'wxt:locationchange', soon);
  ctx.addEventListener(window, 'hashchange', soon);
  ctx.addEventListener(window, 'popstate', soon);
  const root = document.getElementById('cwContent') ?? document.body;
  const observer = new MutationObserver((records) => {
    // Our own panel lives outside #cwContent; on a bare body skip mutations that are only ours.
    if (records.every((r) => (r.target as Element).closest?.('flowpilot-panel'))) return;
    soon();
  });
  observer.observe(root, { childList: true, subtree: true, characterData: true });
  ctx.onInvalidated(() => observer.disconnect());
  // GWT sets input values without mutations; the poll catches those and a swapped #cwContent.
  ctx.setInterval(check, opts.pollMs ?? 1500);
  check();
  return { check };
}
