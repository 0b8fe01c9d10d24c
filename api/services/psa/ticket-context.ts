// The ticket context shared by the extension's page reader and the API's ConnectWise pull: one shape, plain text only.

export interface TicketContext {
  psa: 'connectwise';
  /** The ConnectWise ticket number, as digits. */
  externalId: string;
  summary?: string;
  company?: string;
  contact?: string;
  board?: string;
  status?: string;
  priority?: string;
  /** The ticket's initial description (its first detailDescriptionFlag note). */
  description?: string;
  /** Where the ticket opens in ConnectWise's web app. */
  url: string;
}

const LIMITS = { summary: 200, company: 200, contact: 200, board: 200, status: 100, priority: 100, description: 20_000 } as const;

/**
 * Ticket text is untrusted: strip control characters (keeping line breaks and tabs in the
 * description), collapse whitespace in one-line fields, trim, cap the length, drop empties.
 */
export function cleanText(value: unknown, max: number, multiline = false): string | undefined {
  if (typeof value !== 'string') return undefined;
  let s = value.normalize('NFC').replace(/\r\n?/g, '\n');
  // eslint-disable-next-line no-control-regex -- control and bidi characters in untrusted ticket text are exactly what this strips
  s = s.replace(multiline ? /[\u0000-\u0008\u000b-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g : /[\u0000-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, multiline ? '' : ' ');
  s = multiline ? s.replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim() : s.replace(/\s+/g, ' ').trim();
  if (!s) return undefined;
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

/** Builds a clean TicketContext from loosely typed fields (page reader output, API bodies, ConnectWise records). */
export function normalizeTicketContext(input: {
  externalId: string | number;
  url: string;
  summary?: unknown;
  company?: unknown;
  contact?: unknown;
  board?: unknown;
  status?: unknown;
  priority?: unknown;
  description?: unknown;
}): TicketContext {
  const externalId = String(input.externalId).trim();
  if (!/^\d{1,12}$/.test(externalId)) throw new TypeError(`A ConnectWise ticket number is digits only, got "${externalId.slice(0, 20)}"`);
  const ctx: TicketContext = { psa: 'connectwise', externalId, url: input.url };
  for (const key of ['summary', 'company', 'contact', 'board', 'status', 'priority'] as const) {
    const v = cleanText(input[key], LIMITS[key]);
    if (v !== undefined) ctx[key] = v;
  }
  const description = cleanText(input.description, LIMITS.description, true);
  if (description !== undefined) ctx.description = description;
  return ctx;
}
