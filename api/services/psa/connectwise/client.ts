// Typed ConnectWise REST client: codebase discovery, exact headers, time-outs, retries for reads, actionable errors.
import type { z } from 'zod';
import { backoffMs, retryAfterMs, retryWait, type Backoff } from '../../../lib/retry.js';
import { errorFromResponse, PsaError, type CwErrorBody } from './errors.js';
import { siteOrigins, SiteError, type SiteOrigins } from './site.js';
import { guardedFetch, PUBLIC_ONLY, type NetworkPolicy } from './transport.js';
import {
  cwAllNote,
  cwBoard,
  cwCompanyInfo,
  cwMember,
  cwNote,
  cwStatus,
  cwSystemInfo,
  cwTicket,
  cwTimeEntry,
  type CwAllNote,
  type CwBoard,
  type CwMember,
  type CwNote,
  type CwStatus,
  type CwSystemInfo,
  type CwTicket,
  type CwTimeEntry,
  type ListOptions,
  type NewNote,
  type NewTimeEntry,
} from './types.js';

export interface ConnectWiseCredentials {
  /** Bare host (`na.myconnectwise.net`, https implied) or full origin (`http://127.0.0.1:9123`). */
  site: string;
  companyId: string;
  publicKey: string;
  privateKey: string;
  clientId: string;
  /** Known codebase (e.g. `v2025_1/`); discovered from /login/companyinfo when absent. */
  codebase?: string | null;
}

export interface ClientOptions {
  /** Per attempt (default 15 s). */
  timeoutMs?: number;
  /** Extra attempts for reads after the first (default 3). */
  retries?: number;
  /** Backoff: full jitter over min(maxMs, baseMs * 2^attempt) (default 300 ms / 5 s). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** A Retry-After longer than this fails fast instead of holding the request (default 30 s). */
  maxRetryAfterMs?: number;
  /** Safety cap when following Link headers (default 100 pages). */
  maxPages?: number;
  /** Which addresses the client may reach (default: public ones only). Ignored when `fetch` is given. */
  network?: NetworkPolicy;
  /** Replaces the guarded transport (tests). Redirects are never followed either way. */
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Called on each retry; gets no secrets. */
  onRetry?: (info: { method: string; path: string; attempt: number; waitMs: number; reason: string }) => void;
}

export const ACCEPT = 'application/vnd.connectwise.com+json; version=2021.1';
export const DEFAULT_CODEBASE = 'v4_6_release/';
const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

type Query = Record<string, string | number | undefined>;

interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Query;
  body?: unknown;
}

interface RawResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

const sleepReal = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The `rel="next"` target of a `Link` header. */
export function nextLink(header: string | null): URL | null {
  if (!header) return null;
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /<([^>]+)>\s*;(.*)$/.exec(part.trim());
    if (m && /rel\s*=\s*"?next"?/i.test(m[2]!)) {
      try {
        return new URL(m[1]!);
      } catch {
        return null;
      }
    }
  }
  return null;
}

function networkReason(err: unknown): { timeout: boolean; refused: boolean; text: string } {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  const timeout = e?.name === 'TimeoutError' || e?.name === 'AbortError';
  const code = e?.cause?.code ?? '';
  return { timeout, refused: code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN', text: timeout ? 'timed out' : code || e?.cause?.message || e?.message || 'network error' };
}

export class ConnectWiseClient {
  readonly origins: SiteOrigins;
  private codebaseValue: string | null;
  private codebasePromise: Promise<string> | null = null;
  private readonly auth: string;
  private readonly opts: Required<Omit<ClientOptions, 'onRetry' | 'network'>> & Pick<ClientOptions, 'onRetry'>;

  constructor(
    private readonly creds: ConnectWiseCredentials,
    options: ClientOptions = {},
  ) {
    try {
      this.origins = siteOrigins(creds.site);
    } catch (err) {
      if (err instanceof SiteError) throw new PsaError('bad_site', err.message);
      throw err;
    }
    this.codebaseValue = creds.codebase ? normalizeCodebase(creds.codebase) : null;
    this.auth = 'Basic ' + Buffer.from(`${creds.companyId}+${creds.publicKey}:${creds.privateKey}`, 'utf8').toString('base64');
    this.opts = {
      timeoutMs: options.timeoutMs ?? 15_000,
      retries: options.retries ?? 3,
      backoffBaseMs: options.backoffBaseMs ?? 300,
      backoffMaxMs: options.backoffMaxMs ?? 5_000,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 30_000,
      maxPages: options.maxPages ?? 100,
      fetch: options.fetch ?? guardedFetch(options.network ?? PUBLIC_ONLY),
      sleep: options.sleep ?? sleepReal,
      random: options.random ?? Math.random,
      onRetry: options.onRetry,
    };
  }

  /** Never let the credentials show up when the client is logged or inspected. */
  toJSON() {
    return { site: this.creds.site, companyId: this.creds.companyId, codebase: this.codebaseValue };
  }

  // ---- codebase discovery ----

  /** `GET {site}/login/companyinfo/{companyId}` -> `Codebase`, falling back to `v4_6_release/`. */
  async codebase(): Promise<string> {
    if (this.codebaseValue) return this.codebaseValue;
    this.codebasePromise ??= this.discoverCodebase().then((cb) => (this.codebaseValue = cb));
    return this.codebasePromise;
  }

  /** The company info as ConnectWise reports it (null when the server does not say). */
  async companyInfo(): Promise<{ companyId?: string; codebase?: string; versionCode?: string; isCloud?: boolean } | null> {
    const url = `${this.origins.webOrigin}/login/companyinfo/${encodeURIComponent(this.creds.companyId)}`;
    try {
      const res = await this.opts.fetch(url, { headers: { Accept: 'application/json' }, redirect: 'manual', signal: AbortSignal.timeout(this.opts.timeoutMs) });
      if (!res.ok) return null;
      const parsed = cwCompanyInfo.safeParse(await res.json());
      if (!parsed.success) return null;
      const d = parsed.data;
      return { companyId: d.CompanyID, codebase: d.Codebase ? normalizeCodebase(d.Codebase) : undefined, versionCode: d.VersionCode, isCloud: d.IsCloud ?? undefined };
    } catch {
      return null;
    }
  }

  private async discoverCodebase(): Promise<string> {
    const info = await this.companyInfo();
    return info?.codebase ?? DEFAULT_CODEBASE;
  }

  // ---- resources ----

  systemInfo(): Promise<CwSystemInfo> {
    return this.getOne({ method: 'GET', path: 'system/info' }, cwSystemInfo);
  }

  getTicket(id: number): Promise<CwTicket> {
    return this.getOne({ method: 'GET', path: `service/tickets/${ticketId(id)}` }, cwTicket);
  }

  listTickets(opts: ListOptions & { page?: number } = {}): Promise<CwTicket[]> {
    return this.getPage('service/tickets', opts, cwTicket);
  }

  /** All notes of a ticket, oldest first, following `Link: rel="next"` across pages. */
  listNotes(id: number, opts: ListOptions = {}): Promise<CwNote[]> {
    return this.paginate(`service/tickets/${ticketId(id)}/notes`, { orderBy: 'id asc', pageSize: 100, ...opts }, cwNote);
  }

  /** `allNotes`: ticket notes merged with time-entry notes. */
  listAllNotes(id: number, opts: ListOptions = {}): Promise<CwAllNote[]> {
    return this.paginate(`service/tickets/${ticketId(id)}/allNotes`, { pageSize: 100, ...opts }, cwAllNote);
  }

  /** Not retried: a note whose POST failed half-way may exist (see posting.ts for the exactly-once logic). */
  createNote(id: number, note: NewNote): Promise<CwNote> {
    const body: Record<string, unknown> = {
      text: note.text,
      detailDescriptionFlag: note.detailDescriptionFlag,
      internalAnalysisFlag: note.internalAnalysisFlag,
      resolutionFlag: note.resolutionFlag,
      processNotifications: note.processNotifications,
    };
    if (note.memberIdentifier) body.member = { identifier: note.memberIdentifier };
    return this.getOne({ method: 'POST', path: `service/tickets/${ticketId(id)}/notes`, body }, cwNote);
  }

  /** Opens a service ticket (maintenance schedules). Not retried: a POST that failed half-way may have created one. */
  createTicket(t: { summary: string; companyIdentifier: string; boardName?: string; initialDescription?: string }): Promise<CwTicket> {
    const body: Record<string, unknown> = { summary: t.summary.slice(0, 100), company: { identifier: t.companyIdentifier } };
    if (t.boardName) body.board = { name: t.boardName };
    if (t.initialDescription) body.initialDescription = t.initialDescription;
    return this.getOne({ method: 'POST', path: 'service/tickets', body }, cwTicket);
  }

  /** Members matching ConnectWise conditions (e.g. `inactiveFlag=false`), all pages. */
  searchMembers(opts: ListOptions = {}): Promise<CwMember[]> {
    return this.paginate('system/members', { orderBy: 'id asc', pageSize: 200, ...opts }, cwMember);
  }

  async findMemberByIdentifier(identifier: string): Promise<CwMember | null> {
    const found = await this.getPage('system/members', { conditions: `identifier='${quote(identifier)}'`, pageSize: 1 }, cwMember);
    return found[0] ?? null;
  }

  /** The time entries charged to a service ticket, all pages (newest first unless `orderBy` says otherwise). */
  listTicketTimeEntries(id: number, opts: ListOptions = {}): Promise<CwTimeEntry[]> {
    return this.paginate('time/entries', { orderBy: 'id desc', pageSize: 1000, ...opts, conditions: `chargeToType='ServiceTicket' AND chargeToId=${ticketId(id)}` }, cwTimeEntry);
  }

  /** Not retried: a time entry whose POST failed half-way may exist (see time-entry.ts for the exactly-once logic). */
  createTimeEntry(e: NewTimeEntry): Promise<CwTimeEntry> {
    const body: Record<string, unknown> = {
      chargeToId: ticketId(e.ticketId),
      chargeToType: 'ServiceTicket',
      timeStart: cwDateString(e.timeStart),
      timeEnd: cwDateString(e.timeEnd),
      notes: e.notes,
      addToDetailDescriptionFlag: e.addToDetailDescriptionFlag ?? false,
      addToInternalAnalysisFlag: e.addToInternalAnalysisFlag ?? false,
      addToResolutionFlag: e.addToResolutionFlag ?? false,
      billableOption: e.billableOption ?? 'Billable',
    };
    if (e.memberIdentifier) body.member = { identifier: e.memberIdentifier };
    return this.getOne({ method: 'POST', path: 'time/entries', body }, cwTimeEntry);
  }

  /** The statuses of a board (to change a ticket's status by name). */
  /** The account's active service boards, all pages. */
  listBoards(): Promise<CwBoard[]> {
    return this.paginate('service/boards', { conditions: 'inactiveFlag=false', orderBy: 'name asc', pageSize: 200 }, cwBoard);
  }

  listBoardStatuses(boardId: number): Promise<CwStatus[]> {
    return this.paginate(`service/boards/${ticketId(boardId)}/statuses`, { pageSize: 200 }, cwStatus);
  }

  /** PATCH the ticket's status (JSON Patch, as ConnectWise expects). */
  setTicketStatus(id: number, statusId: number): Promise<CwTicket> {
    return this.getOne({ method: 'PATCH', path: `service/tickets/${ticketId(id)}`, body: [{ op: 'replace', path: 'status', value: { id: statusId } }] }, cwTicket);
  }

  /** Moves the ticket to another board, with a status of that board (else ConnectWise falls back to the board's default). */
  moveTicket(id: number, boardId: number, statusId?: number): Promise<CwTicket> {
    const ops: Array<Record<string, unknown>> = [{ op: 'replace', path: 'board', value: { id: boardId } }];
    if (statusId !== undefined) ops.push({ op: 'replace', path: 'status', value: { id: statusId } });
    return this.getOne({ method: 'PATCH', path: `service/tickets/${ticketId(id)}`, body: ops }, cwTicket);
  }

  // ---- plumbing ----

  private async getOne<S extends z.ZodType>(spec: RequestSpec, schema: S): Promise<z.output<S>> {
    const res = await this.request(spec);
    return this.parse(schema, res.body, spec);
  }

  private async getPage<S extends z.ZodType>(path: string, opts: ListOptions & { page?: number }, schema: S): Promise<Array<z.output<S>>> {
    const res = await this.request({ method: 'GET', path, query: listQuery(opts, opts.page) });
    return this.parseList(schema, res.body, path);
  }

  private async paginate<S extends z.ZodType>(path: string, opts: ListOptions, schema: S): Promise<Array<z.output<S>>> {
    const out: Array<z.output<S>> = [];
    let query: Query = listQuery(opts, 1);
    for (let pages = 0; ; pages++) {
      if (pages >= this.opts.maxPages) throw new PsaError('bad_response', `ConnectWise kept announcing more pages of ${path} after ${this.opts.maxPages}; stopping.`);
      const res = await this.request({ method: 'GET', path, query });
      out.push(...this.parseList(schema, res.body, path));
      const next = nextLink(res.headers.get('link'));
      if (!next) return out;
      // Follow the page (or pageId) the server announced, against our own base: behind proxies the
      // Link host can differ from the one we called.
      const page = next.searchParams.get('page');
      const pageId = next.searchParams.get('pageId');
      if (!page && !pageId) return out;
      query = { ...query, page: page ?? undefined, pageId: pageId ?? undefined };
    }
  }

  private parse<S extends z.ZodType>(schema: S, body: unknown, spec: { method: string; path: string }): z.output<S> {
    const r = schema.safeParse(body);
    if (!r.success) {
      const issue = r.error.issues[0];
      throw new PsaError('bad_response', `ConnectWise answered ${spec.method} ${spec.path} with an unexpected shape (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}).`);
    }
    return r.data;
  }

  private parseList<S extends z.ZodType>(schema: S, body: unknown, path: string): Array<z.output<S>> {
    if (!Array.isArray(body)) throw new PsaError('bad_response', `ConnectWise answered GET ${path} without a list.`);
    return body.map((item) => this.parse(schema, item, { method: 'GET', path }));
  }

  private async url(spec: RequestSpec): Promise<string> {
    const cb = await this.codebase();
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined && v !== '') q.set(k, String(v));
    const qs = q.toString();
    return `${this.origins.apiOrigin}/${cb}apis/3.0/${spec.path}${qs ? `?${qs}` : ''}`;
  }

  private headers(write: boolean): Record<string, string> {
    const h: Record<string, string> = { Authorization: this.auth, clientId: this.creds.clientId, Accept: ACCEPT };
    if (write) h['Content-Type'] = 'application/json';
    return h;
  }

  private backoff(): Backoff {
    const o = this.opts;
    return { baseMs: o.backoffBaseMs, maxMs: o.backoffMaxMs, maxRetryAfterMs: o.maxRetryAfterMs, retryAfterJitterMs: 250, random: o.random };
  }

  /**
   * One logical call. Reads retry on 429 (after Retry-After), 5xx and connection errors. Writes retry
   * only on 429 (the rate-limiting proxy refused it, nothing was written); any other failure of a
   * write after it was sent is `unknown_outcome`.
   */
  private async request(spec: RequestSpec): Promise<RawResponse> {
    const url = await this.url(spec);
    const read = spec.method === 'GET';
    const ctx = { method: spec.method, path: spec.path, companyId: this.creds.companyId };
    const init: RequestInit = { method: spec.method, headers: this.headers(!read), body: spec.body === undefined ? undefined : JSON.stringify(spec.body), redirect: 'manual' };
    for (let attempt = 0; ; attempt++) {
      const canRetry = attempt < this.opts.retries;
      let res: Response;
      try {
        res = await this.opts.fetch(url, { ...init, signal: AbortSignal.timeout(this.opts.timeoutMs) });
      } catch (err) {
        // Refused by the network policy: nothing was sent, and retrying cannot help.
        if (err instanceof PsaError) throw err;
        const why = networkReason(err);
        if ((read || why.refused) && canRetry) {
          await this.wait(spec, attempt, backoffMs(this.backoff(), attempt), why.text);
          continue;
        }
        if (!read && !why.refused) {
          throw new PsaError('unknown_outcome', `The connection to ConnectWise failed during ${spec.method} ${spec.path} (${why.text}); it may or may not have been applied.`);
        }
        throw why.timeout
          ? new PsaError('timeout', `ConnectWise did not answer ${spec.method} ${spec.path} within ${this.opts.timeoutMs} ms.`)
          : new PsaError('unavailable', `Could not reach ConnectWise at ${this.origins.apiOrigin} (${why.text}).`);
      }
      // Never follow a redirect: the credentials would go wherever it points.
      if (res.status >= 300 && res.status < 400) {
        void res.body?.cancel().catch(() => {});
        throw new PsaError('redirected', `ConnectWise at ${this.origins.apiOrigin} answered ${spec.method} ${spec.path} with a redirect (${res.status}) to ${redirectTarget(res.headers.get('location'), url)}; FlowPilot does not follow redirects. Check the connection's site.`, { status: res.status });
      }
      let body: unknown = undefined;
      let bodyError = false;
      try {
        const text = await res.text();
        body = text ? JSON.parse(text) : undefined;
      } catch {
        bodyError = true;
      }
      if (res.ok) {
        if (bodyError) {
          if (!read) throw new PsaError('unknown_outcome', `ConnectWise's answer to ${spec.method} ${spec.path} was cut off; it may have been applied.`);
          if (canRetry) {
            await this.wait(spec, attempt, backoffMs(this.backoff(), attempt), 'truncated body');
            continue;
          }
          throw new PsaError('bad_response', `ConnectWise answered ${spec.method} ${spec.path} with a body that is not JSON.`);
        }
        return { status: res.status, headers: res.headers, body };
      }
      const hintMs = retryAfterMs(res.headers);
      const retryable = res.status === 429 || (read && RETRYABLE_STATUS.has(res.status));
      if (retryable && canRetry) {
        // Honour Retry-After (plus a little jitter so parallel callers do not stampede), unless it is too long.
        const wait = retryWait(this.backoff(), attempt, hintMs);
        if (wait !== 'too_long') {
          await this.wait(spec, attempt, wait, `HTTP ${res.status}`);
          continue;
        }
      }
      throw errorFromResponse(res.status, asErrorBody(body), ctx, hintMs === undefined ? undefined : Math.ceil(hintMs / 1000));
    }
  }

  private async wait(spec: RequestSpec, attempt: number, waitMs: number, reason: string) {
    this.opts.onRetry?.({ method: spec.method, path: spec.path, attempt: attempt + 1, waitMs, reason });
    await this.opts.sleep(waitMs);
  }
}

/** Where a redirect points, as an origin (no path or query: those may carry anything). */
function redirectTarget(location: string | null, base: string): string {
  if (!location) return 'nowhere (no Location header)';
  try {
    return new URL(location, base).origin;
  } catch {
    return 'an invalid location';
  }
}

function asErrorBody(body: unknown): CwErrorBody | null {
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as CwErrorBody) : null;
}

function listQuery(opts: ListOptions, page?: number): Query {
  return { conditions: opts.conditions, orderBy: opts.orderBy, fields: opts.fields, pageSize: opts.pageSize, page };
}

export function normalizeCodebase(cb: string): string {
  const s = cb.trim().replace(/^\/+/, '').replace(/\/+$/, '');
  if (!/^v\d+_\d+[\w.-]*$/.test(s)) return DEFAULT_CODEBASE;
  return s + '/';
}

/** Quotes a value for a ConnectWise conditions string. */
export function quote(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}

function ticketId(id: number): number {
  if (!Number.isSafeInteger(id) || id <= 0) throw new PsaError('invalid_request', `"${String(id)}" is not a ConnectWise record id.`);
  return id;
}

/** A date as ConnectWise writes and accepts it: UTC to the second, without milliseconds. */
export function cwDateString(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
