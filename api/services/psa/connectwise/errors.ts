// ConnectWise failures as distinct, actionable errors (never carrying credentials).

export type PsaErrorKind =
  | 'bad_credentials'
  | 'forbidden'
  | 'not_found'
  | 'invalid_request'
  | 'rate_limited'
  | 'unavailable'
  | 'timeout'
  | 'unknown_outcome'
  | 'bad_response'
  | 'bad_site'
  /** The site is (or resolves to) an address the deployment does not allow (private, loopback, link-local…). */
  | 'blocked_address'
  /** ConnectWise answered with a redirect, which is never followed. */
  | 'redirected';

export interface CwErrorBody {
  code?: string;
  message?: string;
  errors?: Array<{ code?: string; message?: string; resource?: string; field?: string }>;
}

export class PsaError extends Error {
  override readonly name = 'PsaError';
  constructor(
    readonly kind: PsaErrorKind,
    message: string,
    readonly details: { status?: number; cwCode?: string; retryAfterSeconds?: number } = {},
  ) {
    super(message);
  }
  /** For our API's error body: `psa_<kind>`. */
  get code(): string {
    return `psa_${this.kind}`;
  }
}

/** Server text is untrusted and can be long: one line, capped. */
export function serverText(s: unknown, max = 300): string {
  if (typeof s !== 'string') return '';
  // eslint-disable-next-line no-control-regex -- control characters in untrusted server text are exactly what this strips
  const one = s.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return one.length > max ? one.slice(0, max - 1) + '…' : one;
}

export function describeCwBody(body: CwErrorBody | null): string {
  if (!body) return '';
  const parts = [serverText(body.message)];
  for (const e of body.errors ?? []) {
    const field = e.field ? `${serverText(e.field, 60)}: ` : '';
    if (e.message) parts.push(field + serverText(e.message));
  }
  return parts.filter(Boolean).join('; ');
}

export interface ErrorContext {
  method: string;
  /** Resource path below apis/3.0, e.g. service/tickets/184201/notes */
  path: string;
  companyId: string;
}

/** Maps a non-2xx ConnectWise answer to the error a user can act on. */
export function errorFromResponse(status: number, body: CwErrorBody | null, ctx: ErrorContext, retryAfterSeconds?: number): PsaError {
  const said = describeCwBody(body);
  const cwCode = typeof body?.code === 'string' ? body.code : undefined;
  const d = { status, cwCode, retryAfterSeconds };
  switch (status) {
    case 401:
      if (/client\s*id/i.test(said)) {
        return new PsaError('bad_credentials', `ConnectWise rejected the client id: ${said || 'it is missing or not registered'}. Check the connection's client id (from developer.connectwise.com).`, d);
      }
      return new PsaError(
        'bad_credentials',
        `ConnectWise rejected the API credentials (401). Check the company id "${ctx.companyId}", the public key and the private key of the API member.`,
        d,
      );
    case 403:
      return new PsaError(
        'forbidden',
        `ConnectWise refused ${ctx.method} ${ctx.path} (403): the API member's security role is missing a permission${said ? ` (${said})` : ''}. Grant it under System > Security Roles.`,
        d,
      );
    case 404: {
      const ticket = /^service\/tickets\/(\d+)/.exec(ctx.path);
      if (ticket) {
        return new PsaError('not_found', `Ticket #${ticket[1]} was not found in ConnectWise. Check the number, and that the API member can see that ticket's board.`, d);
      }
      return new PsaError('not_found', `ConnectWise has no ${ctx.path}${said ? ` (${said})` : ''}.`, d);
    }
    case 429:
      return new PsaError('rate_limited', `ConnectWise is rate-limiting requests${retryAfterSeconds ? `; it asked to wait ${retryAfterSeconds} s` : ''}. Try again shortly.`, d);
    default:
      if (status >= 500) return new PsaError('unavailable', `ConnectWise failed (${status}${said ? `: ${said}` : ''}). Try again in a moment.`, d);
      return new PsaError('invalid_request', `ConnectWise refused ${ctx.method} ${ctx.path} (${status})${said ? `: ${said}` : ''}.`, d);
  }
}
