// Reads the ConnectWise service ticket on screen (CONNECTWISE.md "The ticket screen"); pure: no network, no globals.
// At this path by contract (DESIGN.md §8): outside checks import readTicketContext from here; the rest of
// the content script is in content/.

// One shape with the API's ConnectWise pull (type-only import: nothing of the API is bundled).
import type { TicketContext } from '../../api/services/psa/ticket-context';

export type { TicketContext };

/** Where the number came from, in CONNECTWISE.md's order of trust (for diagnostics and tests). */
export type TicketNumberSource = 'banner' | 'pod' | 'url';

const MODAL = '.cw-gxt-wnd';
const MAX_FIELD = 500;
const MAX_DESCRIPTION = 20_000;

/** `Service Ticket #123456 - summary`: anchored at the start so other systems' numbers never match. */
const SERVICE_BANNER = /^Service\s+Ticket\s*#\s*(\d{1,12})\b\s*(?:[-–—:]\s*([\s\S]*))?$/i;
const PROJECT_BANNER = /^Project\s+Ticket\s*#/i;
const NEW_TICKET_BANNER = /^New\s+(Service\s+)?Ticket\b/i;
/** The ticket pod's header label: `Ticket #123456`. */
const POD_HEADER = /^(?:Service\s+)?Ticket\s*#\s*(\d{1,12})\b/i;

const BANNER_SELECTORS = [
  '.cw_BannerView .detailLabel',
  '.cw_BannerView .cw_CwLabel',
  '.cw_BannerView .mm_label',
  '.detailLabel.cw_CwLabel',
];

/** Hash screen names (`#<state>??ServiceTicket`) that are the ticket screen; any other name is not. */
const TICKET_HASH_SCREENS = new Set(['serviceticket', 'servicefv']);

/** Query parameters a ticket deep link carries its number in (names compared case-insensitively). */
const RECID_PARAMS = ['service_recid', 'srrecid', 'recid'];

export function readTicketContext(document: Document, location: Location | URL): TicketContext | null {
  return readTicket(document, location)?.ticket ?? null;
}

/** Like readTicketContext, also telling where the number came from. */
export function readTicket(document: Document, location: Location | URL): { ticket: TicketContext; source: TicketNumberSource } | null {
  const url = new URL(location.href);
  const path = url.pathname.toLowerCase();

  // Time-entry windows show the ticket number in "Charge To" but are not the ticket.
  if (path.includes('timeexpensemodule')) return null;

  const hashScreen = screenFromHash(url.hash);
  if (hashScreen !== null && !TICKET_HASH_SCREENS.has(hashScreen.toLowerCase())) return null;

  const root = document.body ?? document.documentElement;
  if (!root) return null;

  // 1. The banner, which heads every detail screen: it must say "Service Ticket #".
  const banners = visibleOutsideModals(root, BANNER_SELECTORS.join(','));
  let number: string | undefined;
  let bannerSummary: string | undefined;
  let source: TicketNumberSource | undefined;
  let otherScreen = false;
  for (const el of banners) {
    const text = singleLine(el.textContent);
    if (!text) continue;
    const m = SERVICE_BANNER.exec(text);
    if (m) {
      number = m[1];
      bannerSummary = m[2] ? clip(singleLine(m[2]), MAX_FIELD) : undefined;
      source = 'banner';
      break;
    }
    otherScreen = true; // a company's name, a project ticket, "New Service Ticket" …
    if (PROJECT_BANNER.test(text) || NEW_TICKET_BANNER.test(text)) return null;
  }

  // Project tickets reuse much of the service ticket's layout; their board field gives them away.
  if (visibleOutsideModals(root, 'input.cw_projectBoard').length > 0 && source !== 'banner') return null;

  // 2. The ticket pod's header, before the banner is rendered.
  if (!number) {
    for (const header of visibleOutsideModals(root, '.pod_service_ticket_ticket_header')) {
      const label = header.id ? header.ownerDocument.getElementById(`${header.id}-label`) : null;
      for (const candidate of [label, ...Array.from(header.querySelectorAll('[id$="-label"], .gwt-Label, .cw_CwLabel')), header]) {
        const m = candidate ? POD_HEADER.exec(singleLine(candidate.textContent)) : null;
        if (m) {
          number = m[1];
          source = 'pod';
          break;
        }
      }
      if (number) break;
    }
  }

  // 3. The deep link's number, only while the screen has not rendered anything that contradicts it.
  if (!number) {
    if (otherScreen) return null;
    if (root.querySelector('table.srboard-grid') && !root.querySelector('input.cw_PsaSummaryHeader')) return null;
    number = recidFromUrl(url);
    if (!number) return null;
    source = 'url';
  }

  const field = (selector: string) => inputValue(root, selector);
  const ticket: TicketContext = { psa: 'connectwise', externalId: number, url: url.href };
  const summary = field('input.cw_PsaSummaryHeader') ?? field('input.cw_summary') ?? bannerSummary;
  const optional = {
    summary,
    company: field('input.cw_company'),
    contact: field('input.cw_contact'),
    board: field('input.cw_serviceBoard'),
    status: field('input.cw_status'),
    priority: field('input.cw_priority'),
    description: readDescription(root),
  };
  for (const [key, value] of Object.entries(optional) as [keyof typeof optional, string | undefined][]) {
    if (value) ticket[key] = value;
  }
  return { ticket, source: source ?? 'url' };
}

/** `…#<state>??ServiceTicket` → `ServiceTicket`; null when the hash names no screen. */
export function screenFromHash(hash: string): string | null {
  const m = /\?\?([A-Za-z][A-Za-z0-9_]*)/.exec(hash);
  return m ? m[1]! : null;
}

function recidFromUrl(url: URL): string | undefined {
  const path = url.pathname.toLowerCase();
  const params = new Map<string, string>();
  for (const [k, v] of url.searchParams) params.set(k.toLowerCase(), v);
  const route = (params.get('routeto') ?? params.get('recordtype') ?? '').toLowerCase();
  const isTicketLink =
    path.endsWith('fv_sr100_request.rails') ||
    (path.endsWith('connectwise.aspx') && (route === 'servicefv' || params.has('srrecid'))) ||
    (path.endsWith('openrecord.rails') && route === 'servicefv');
  if (!isTicketLink) return undefined;
  for (const name of RECID_PARAMS) {
    const v = params.get(name)?.trim();
    if (v && /^\d{1,12}$/.test(v)) return v;
  }
  return undefined;
}

function readDescription(root: Element): string | undefined {
  const note =
    firstOutsideModals(root, '[data-cwid="pod_service_ticket_inital_note"]') ??
    firstOutsideModals(root, '[data-cwid="pod_service_ticket_initial_note"]') ??
    firstOutsideModals(root, '.TicketNote-initialNote');
  if (!note) return undefined;
  // The note starts with its author and date; its text sits in its own element when CW renders one.
  const body = note.querySelector('.TicketNote-noteText, .TicketNote-text, .TicketNote-note, [data-cwid="note-text"], [class*="noteText"]') ?? note;
  const text = multiLine(body.textContent);
  return text ? clip(text, MAX_DESCRIPTION) : undefined;
}

function inputValue(root: Element, selector: string): string | undefined {
  for (const el of visibleOutsideModals(root, selector)) {
    // `.value`, not the attribute: GWT sets the property without a DOM mutation.
    const value = singleLine((el as HTMLInputElement).value ?? el.getAttribute('value'));
    if (value) return clip(value, MAX_FIELD);
  }
  return undefined;
}

function firstOutsideModals(root: Element, selector: string): Element | undefined {
  return visibleOutsideModals(root, selector)[0];
}

/** Matching elements that are not inside a modal window and not hidden by an inline display:none. */
function visibleOutsideModals(root: Element, selector: string): Element[] {
  return Array.from(root.querySelectorAll(selector)).filter((el) => !el.closest(MODAL) && !hiddenInline(el));
}

function hiddenInline(el: Element): boolean {
  for (let node: Element | null = el; node; node = node.parentElement) {
    const style = node.getAttribute('style');
    if (style && /display\s*:\s*none/i.test(style)) return true;
    if (node.hasAttribute('hidden') || node.getAttribute('aria-hidden') === 'true') return true;
  }
  return false;
}

// Plain text only: control characters out, whitespace collapsed; nothing here is ever HTML.
// eslint-disable-next-line no-control-regex -- control characters in untrusted page text are exactly what this strips
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

function singleLine(text: string | null | undefined): string {
  return (text ?? '').replace(CONTROL, '').replace(/\s+/g, ' ').trim();
}

function multiLine(text: string | null | undefined): string {
  return (text ?? '')
    .replace(CONTROL, '')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * A cheap fingerprint of the ticket on screen (banner number + summary value) for the content script's
 * poll: it changes when the engineer swaps tickets even if ConnectWise reuses the same inputs.
 */
export function ticketSignature(document: Document, location: Location | URL): string {
  const t = readTicketContext(document, location);
  return t ? `${t.externalId}\u0000${t.summary ?? ''}` : '';
}
