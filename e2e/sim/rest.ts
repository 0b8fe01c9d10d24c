// The ConnectWise REST subset (`/{codebase}apis/3.0/...`): auth checks, JSON shapes, list parameters and errors.
import { ConditionError, evaluate, parseConditions, pickFields, sortBy } from './conditions.js';
import type { SimBoard, SimData, SimMember, SimNote, SimStatus, SimTicket, SimTimeEntry } from './data.js';
import { cwDate } from './data.js';

export interface ApiKey {
  publicKey: string;
  privateKey: string;
  /** The API member the key belongs to (notes without an explicit member are entered as this member). */
  memberIdentifier: string;
  /**
   * Resources the key's security role may not touch: `"service/tickets"` (any method below that
   * path), `"POST service/tickets/*\/notes"`, `"system/members"` …
   */
  deny?: string[];
}

export interface RestRequest {
  method: string;
  /** Path below `apis/3.0/`, no leading slash. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  /** e.g. `http://127.0.0.1:9123/v4_6_release/apis/3.0` — for `_info` links and `Link` headers. */
  base: string;
}

export interface RestResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RestEnv {
  data: SimData;
  companyId: string;
  clientId: string;
  apiKeys: ApiKey[];
  isCloud: boolean;
  version: string;
  /** As ConnectWise reports it: a Windows time zone name ("Eastern Standard Time"). */
  serverTimeZone: string;
  now: () => Date;
}

export const cwError = (status: number, code: string, message: string, errors?: unknown[]): RestResponse => ({
  status,
  body: errors ? { code, message, errors } : { code, message },
});

const header = (h: RestRequest['headers'], name: string): string | undefined => {
  const v = h[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
};

/** Returns the API member the request authenticates as, or an error response. */
export function authenticate(env: RestEnv, req: RestRequest): { key: ApiKey; member: SimMember } | RestResponse {
  const auth = header(req.headers, 'authorization');
  const m = auth ? /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(auth.trim()) : null;
  if (!m) return cwError(401, 'Unauthorized', 'Authorization header is missing or is not Basic authentication.');
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const creds = /^([^+:]+)\+([^:]+):(.*)$/s.exec(decoded);
  const key = creds && creds[1]!.toLowerCase() === env.companyId.toLowerCase()
    ? env.apiKeys.find((k) => k.publicKey === creds[2] && k.privateKey === creds[3])
    : undefined;
  if (!key) return cwError(401, 'Unauthorized', 'UserNotAuthenticated: the company id, public key or private key is not valid.');
  const clientId = header(req.headers, 'clientid');
  if (!clientId) return cwError(401, 'Unauthorized', 'ClientId header is required. Register an integration to get a clientId.');
  if (clientId.toLowerCase() !== env.clientId.toLowerCase()) return cwError(401, 'Unauthorized', `ClientId ${clientId} is not a registered integration.`);
  const member = env.data.members.find((mm) => mm.identifier.toLowerCase() === key.memberIdentifier.toLowerCase());
  if (!member) return cwError(401, 'Unauthorized', 'The API member for this key no longer exists.');
  return { key, member };
}

function denied(key: ApiKey, method: string, path: string): string | null {
  for (const rule of key.deny ?? []) {
    const m = /^(?:(GET|POST|PUT|PATCH|DELETE)\s+)?(.+)$/.exec(rule.trim());
    if (!m) continue;
    if (m[1] && m[1] !== method) continue;
    const re = new RegExp('^' + m[2]!.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]+') + '(/|$)');
    if (re.test(path)) return m[2]!;
  }
  return null;
}

const ref = (base: string, kind: string, id: number, name: string, extra: Record<string, unknown> = {}) => ({
  id,
  ...extra,
  name,
  _info: { [`${kind}_href`]: `${base}/${hrefPath(kind)}/${id}` },
});

function hrefPath(kind: string) {
  switch (kind) {
    case 'board': return 'service/boards';
    case 'status': return 'service/boards/statuses';
    case 'company': return 'company/companies';
    case 'contact': return 'company/contacts';
    case 'priority': return 'service/priorities';
    case 'member': return 'system/members';
    case 'team': return 'service/teams';
    case 'site': return 'company/sites';
    default: return kind;
  }
}

const memberName = (m: SimMember) => `${m.firstName} ${m.lastName}`;

/** ConnectWise's Board (the fields a board list carries; `inactiveFlag` is what `conditions` filter on). */
function boardJson(b: SimBoard, base: string) {
  const dept = { Service: 10, Network: 11, Projects: 12 }[b.department] ?? 10;
  return {
    id: b.id,
    name: b.name,
    location: { id: 2, name: b.location, _info: { location_href: `${base}/system/locations/2` } },
    department: { id: dept, identifier: b.department, name: b.department, _info: { department_href: `${base}/system/departments/${dept}` } },
    inactiveFlag: b.inactive ?? false,
    signOffTemplate: { id: 1, name: 'Default Sign-Off' },
    sendToContactFlag: false,
    sendToResourceFlag: false,
    projectFlag: false,
    showDependenciesFlag: false,
    showEstimatesFlag: false,
    boardIcon: null,
    billTicketsAfterClosedFlag: false,
    billUnapprovedTimeExpenseFlag: false,
    overrideBillingSetupFlag: false,
    autoCloseStatus: null,
    autoAssignNewTicketsFlag: false,
    restrictBoardFlag: false,
    timeEntryDiscussionFlag: true,
    timeEntryResolutionFlag: true,
    timeEntryInternalAnalysisFlag: true,
    _info: { lastUpdated: '2026-01-05T14:02:11Z', updatedBy: 'admin1', statuses_href: `${base}/service/boards/${b.id}/statuses` },
  };
}

/** ConnectWise's BoardStatus: the first status is the board's default; `>Closed…` names are closed statuses. */
function boardStatusJson(board: SimBoard, s: SimStatus, index: number, base: string) {
  return {
    id: s.id,
    name: s.name,
    board: ref(base, 'board', board.id, board.name),
    sortOrder: index,
    displayOnBoard: !s.inactive,
    inactive: s.inactive ?? false,
    closedStatus: s.name.startsWith('>Closed'),
    timeEntryNotAllowed: s.timeEntryNotAllowed ?? false,
    defaultFlag: index === 0,
    escalationStatus: s.name === 'Escalated' ? 'Escalated' : 'NotResponded',
    customerPortalDescription: null,
    customerPortalFlag: !s.inactive,
    emailTemplate: null,
    statusIndicator: null,
    customStatusIndicatorName: null,
    saveTimeAsFlag: false,
    _info: { lastUpdated: '2026-01-05T14:02:11Z', updatedBy: 'admin1' },
  };
}

export function ticketJson(env: RestEnv, t: SimTicket, base: string) {
  const d = env.data;
  const board = d.boards.find((b) => b.id === t.boardId)!;
  const status = board.statuses.find((s) => s.id === t.statusId)!;
  const company = d.companies.find((c) => c.id === t.companyId)!;
  const contact = t.contactId ? d.contacts.find((c) => c.id === t.contactId) : undefined;
  const priority = d.priorities.find((p) => p.id === t.priorityId)!;
  const owner = t.ownerId ? d.members.find((m) => m.id === t.ownerId) : undefined;
  return {
    id: t.id,
    summary: t.summary,
    recordType: 'ServiceTicket',
    board: ref(base, 'board', board.id, board.name),
    status: { id: status.id, name: status.name, Sort: 0, _info: { status_href: `${base}/service/boards/${board.id}/statuses/${status.id}` } },
    company: ref(base, 'company', company.id, company.name, { identifier: company.identifier }),
    site: { id: company.id * 10 + 1, name: 'Main', _info: { site_href: `${base}/company/companies/${company.id}/sites/${company.id * 10 + 1}` } },
    siteName: 'Main',
    addressLine1: '100 Main Street',
    city: company.city,
    stateIdentifier: company.state,
    country: { id: 1, name: 'United States' },
    contact: contact ? ref(base, 'contact', contact.id, `${contact.firstName} ${contact.lastName}`) : null,
    contactName: contact ? `${contact.firstName} ${contact.lastName}` : null,
    contactPhoneNumber: contact?.phone ?? null,
    contactEmailAddress: contact?.email ?? null,
    type: t.typeName ? { id: 100 + t.typeName.length, name: t.typeName } : null,
    subType: null,
    item: null,
    team: { id: 20 + board.id, name: board.name === 'Help Desk' ? 'Service Desk' : 'Infrastructure' },
    owner: owner ? ref(base, 'member', owner.id, memberName(owner), { identifier: owner.identifier }) : null,
    priority: { ...ref(base, 'priority', priority.id, priority.name), sort: priority.sort },
    serviceLocation: { id: 2, name: 'Remote' },
    source: { id: 2, name: t.source },
    severity: t.severity,
    impact: t.impact,
    allowAllClientsPortalView: false,
    customerUpdatedFlag: false,
    automaticEmailContactFlag: false,
    automaticEmailResourceFlag: false,
    automaticEmailCcFlag: false,
    closedDate: t.closedDate,
    closedBy: t.closedFlag ? t.updatedBy : null,
    closedFlag: t.closedFlag,
    actualHours: null,
    approved: true,
    estimatedExpenseCost: 0,
    resources: owner ? owner.identifier : null,
    billTime: 'Billable',
    billExpenses: 'Billable',
    billProducts: 'Billable',
    location: { id: 2, name: 'Remote' },
    department: { id: 10, identifier: 'Services', name: 'Services' },
    mobileGuid: `f1c0a3d4-0000-4000-8000-${String(t.id).padStart(12, '0')}`,
    dateResolved: t.closedDate,
    dateResplan: null,
    dateResponded: t.lastUpdated,
    isInSla: true,
    hasChildTicket: false,
    hasMergedChildTicketFlag: false,
    billingMethod: 'ActualRates',
    customFields: [
      { id: 4, caption: 'Asset Tag', type: 'Text', entryMethod: 'EntryField', numberOfDecimals: 0, value: null },
    ],
    _info: {
      lastUpdated: t.lastUpdated,
      updatedBy: t.updatedBy,
      dateEntered: t.dateEntered,
      enteredBy: t.enteredBy,
      activities_href: `${base}/sales/activities?conditions=ticket/id=${t.id}`,
      scheduleentries_href: `${base}/schedule/entries?conditions=type/id='S' AND objectId=${t.id}`,
      documents_href: `${base}/system/documents?recordType=Ticket&recordId=${t.id}`,
      configurations_href: `${base}/service/tickets/${t.id}/configurations`,
      tasks_href: `${base}/service/tickets/${t.id}/tasks`,
      notes_href: `${base}/service/tickets/${t.id}/notes`,
      products_href: `${base}/procurement/products?conditions=chargeToType='Ticket' AND chargeToId=${t.id}`,
      timeentries_href: `${base}/time/entries?conditions=(chargeToType='ServiceTicket' OR chargeToType='ProjectTicket') AND chargeToId=${t.id}`,
      expenseEntries_href: `${base}/expense/entries?conditions=(chargeToType='ServiceTicket' OR chargeToType='ProjectTicket') AND chargeToId=${t.id}`,
    },
  };
}

export function noteJson(env: RestEnv, n: SimNote, base: string) {
  const member = n.memberId ? env.data.members.find((m) => m.id === n.memberId) : undefined;
  const contact = n.contactId ? env.data.contacts.find((c) => c.id === n.contactId) : undefined;
  const out: Record<string, unknown> = {
    id: n.id,
    ticketId: n.ticketId,
    text: n.text,
    detailDescriptionFlag: n.detailDescriptionFlag,
    internalAnalysisFlag: n.internalAnalysisFlag,
    resolutionFlag: n.resolutionFlag,
    issueFlag: false,
    member: member ? ref(base, 'member', member.id, memberName(member), { identifier: member.identifier }) : null,
    dateCreated: n.dateCreated,
    createdBy: n.createdBy,
    internalFlag: n.internalAnalysisFlag,
    externalFlag: n.detailDescriptionFlag || n.resolutionFlag,
    sentimentScore: 0,
    _info: { lastUpdated: n.dateCreated, updatedBy: n.createdBy },
  };
  // Customer (portal/email) notes carry a contact instead of a member.
  if (contact) out.contact = ref(base, 'contact', contact.id, `${contact.firstName} ${contact.lastName}`);
  if (n.customerUpdatedFlag) out.customerUpdatedFlag = true;
  return out;
}

export function memberJson(m: SimMember, base: string) {
  return {
    id: m.id,
    identifier: m.identifier,
    disableOnlineFlag: false,
    licenseClass: m.apiMember ? 'A' : 'F',
    firstName: m.firstName,
    lastName: m.lastName,
    officeEmail: m.officeEmail,
    primaryEmail: m.primaryEmail,
    defaultEmail: 'Office',
    title: m.title,
    inactiveFlag: m.inactiveFlag,
    timeZone: { id: 1, name: 'US Eastern' },
    _info: { lastUpdated: '2026-01-05T14:02:11Z', updatedBy: 'admin1', image_href: `${base}/system/members/${m.identifier}/image?lm=2026-01-05T14:02:11Z` },
  };
}

function timeEntryJson(env: RestEnv, e: SimTimeEntry, base: string) {
  const member = env.data.members.find((m) => m.id === e.memberId)!;
  const ticket = env.data.tickets.find((t) => t.id === e.chargeToId);
  const company = ticket ? env.data.companies.find((c) => c.id === ticket.companyId) : undefined;
  return {
    id: e.id,
    company: company ? ref(base, 'company', company.id, company.name, { identifier: company.identifier }) : null,
    chargeToId: e.chargeToId,
    chargeToType: e.chargeToType,
    member: ref(base, 'member', member.id, memberName(member), { identifier: member.identifier }),
    workType: { id: 1, name: 'Remote Support' },
    timeStart: e.timeStart,
    timeEnd: e.timeEnd,
    actualHours: e.actualHours,
    billableOption: e.billableOption,
    notes: e.notes,
    addToDetailDescriptionFlag: e.addToDetailDescriptionFlag,
    addToInternalAnalysisFlag: e.addToInternalAnalysisFlag,
    addToResolutionFlag: e.addToResolutionFlag,
    emailResourceFlag: false,
    emailContactFlag: false,
    emailCcFlag: false,
    dateEntered: e.dateEntered,
    ticket: ticket ? { id: ticket.id, summary: ticket.summary } : null,
    _info: { lastUpdated: e.dateEntered, updatedBy: member.identifier },
  };
}

/** Applies conditions/orderBy/fields/page/pageSize and sets `Link` headers, as ConnectWise lists do. */
function list(req: RestRequest, records: Array<Record<string, unknown>>): RestResponse {
  let rows = records;
  const conditions = req.query.get('conditions');
  try {
    if (conditions) {
      const expr = parseConditions(conditions);
      rows = rows.filter((r) => evaluate(expr, r));
    }
    rows = sortBy(rows, req.query.get('orderBy') ?? req.query.get('orderby'));
  } catch (err) {
    if (err instanceof ConditionError) return cwError(400, 'InvalidObject', `conditions/orderBy could not be parsed: ${err.message}`);
    throw err;
  }
  const pageRaw = req.query.get('page') ?? '1';
  const sizeRaw = req.query.get('pageSize') ?? req.query.get('pagesize') ?? '25';
  const page = Number(pageRaw);
  let pageSize = Number(sizeRaw);
  if (!Number.isInteger(page) || page < 1) return cwError(400, 'InvalidObject', `page ${pageRaw} is not valid: pages start at 1.`);
  if (!Number.isInteger(pageSize) || pageSize < 1) return cwError(400, 'InvalidObject', `pageSize ${sizeRaw} is not valid.`);
  pageSize = Math.min(pageSize, 1000);
  const total = rows.length;
  const lastPage = Math.max(1, Math.ceil(total / pageSize));
  const slice = rows.slice((page - 1) * pageSize, page * pageSize).map((r) => pickFields(r, req.query.get('fields')));
  const linkFor = (p: number) => {
    const q = new URLSearchParams(req.query);
    q.set('pageSize', String(pageSize));
    q.set('page', String(p));
    return `<${req.base}/${req.path}?${q.toString()}>`;
  };
  const links: string[] = [];
  if (page > 1) links.push(`${linkFor(1)}; rel="first"`, `${linkFor(Math.min(page - 1, lastPage))}; rel="prev"`);
  if (page < lastPage) links.push(`${linkFor(page + 1)}; rel="next"`, `${linkFor(lastPage)}; rel="last"`);
  return { status: 200, body: slice, headers: links.length ? { Link: links.join(', ') } : {} };
}

const asObj = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null);
const invalid = (resource: string, field: string, message: string, code = 'InvalidField') =>
  cwError(400, 'InvalidObject', `${resource} object is invalid`, [{ code, message, resource, field }]);

function resolveMember(env: RestEnv, v: unknown): SimMember | 'invalid' | null {
  const o = asObj(v);
  if (!o) return v === undefined || v === null ? null : 'invalid';
  const found = env.data.members.find(
    (m) => (typeof o.id === 'number' && m.id === o.id) || (typeof o.identifier === 'string' && m.identifier.toLowerCase() === o.identifier.toLowerCase()),
  );
  return found && !found.inactiveFlag ? found : 'invalid';
}

export function handleRest(env: RestEnv, req: RestRequest): RestResponse {
  const authed = authenticate(env, req);
  if ('status' in authed) return authed;
  const { key, member: apiMember } = authed;
  const blocked = denied(key, req.method, req.path);
  if (blocked) {
    return cwError(403, 'Forbidden', `You do not have access to ${blocked}: the API member's security role does not allow ${req.method === 'GET' ? 'Inquire' : req.method === 'POST' ? 'Add' : 'Edit'} level on it. Update the API member's security role.`);
  }
  const d = env.data;
  const base = req.base;
  const seg = req.path.split('/').filter(Boolean);
  const nowStr = () => cwDate(env.now());
  const M = req.method;

  // system/info
  if (req.path === 'system/info' && M === 'GET') {
    return { status: 200, body: { version: env.version, isCloud: env.isCloud, serverTimeZone: env.serverTimeZone, licenseBits: [], cloudRegion: env.isCloud ? 'NA' : null } };
  }
  // system/members[/{id|identifier}]
  if (seg[0] === 'system' && seg[1] === 'members') {
    if (seg.length === 2 && M === 'GET') return list(req, d.members.map((m) => memberJson(m, base)));
    if (seg.length === 3 && seg[2] === 'count' && M === 'GET') return countOf(req, d.members.map((m) => memberJson(m, base)));
    if (seg.length === 3 && M === 'GET') {
      const m = d.members.find((x) => String(x.id) === seg[2] || x.identifier.toLowerCase() === seg[2]!.toLowerCase());
      return m ? { status: 200, body: memberJson(m, base) } : cwError(404, 'NotFound', `Member ${seg[2]} not found`);
    }
  }
  // service/boards
  if (seg[0] === 'service' && seg[1] === 'boards' && M === 'GET') {
    if (seg.length === 2) return list(req, d.boards.map((b) => boardJson(b, base)));
    const board = d.boards.find((b) => String(b.id) === seg[2]);
    if (!board) return cwError(404, 'NotFound', `Board ${seg[2]} not found`);
    if (seg.length === 4 && seg[3] === 'statuses') {
      return list(req, board.statuses.map((s, i) => boardStatusJson(board, s, i, base)));
    }
    if (seg.length === 5 && seg[3] === 'statuses') {
      const i = board.statuses.findIndex((s) => String(s.id) === seg[4]);
      return i >= 0 ? { status: 200, body: boardStatusJson(board, board.statuses[i]!, i, base) } : cwError(404, 'NotFound', `Board Status ${seg[4]} not found`);
    }
    if (seg.length === 3) return { status: 200, body: boardJson(board, base) };
  }
  // service/tickets
  if (seg[0] === 'service' && seg[1] === 'tickets') {
    const all = () => d.tickets.map((t) => ticketJson(env, t, base));
    if (seg.length === 2 && M === 'GET') return list(req, all());
    if (seg.length === 3 && seg[2] === 'count' && M === 'GET') return countOf(req, all());
    if (seg.length === 2 && M === 'POST') return createTicket(env, req, apiMember);
    const id = Number(seg[2]);
    const ticket = Number.isInteger(id) ? d.tickets.find((t) => t.id === id) : undefined;
    if (!ticket) return cwError(404, 'NotFound', `Service Ticket ${seg[2]} not found`);
    if (seg.length === 3) {
      if (M === 'GET') return { status: 200, body: pickFields(ticketJson(env, ticket, base), req.query.get('fields')) };
      if (M === 'PATCH') return patchTicket(env, req, ticket, apiMember);
    }
    if (seg[3] === 'notes') {
      const notes = () => d.notes.filter((n) => n.ticketId === ticket.id).map((n) => noteJson(env, n, base));
      if (seg.length === 4 && M === 'GET') return list(req, notes());
      if (seg.length === 5 && seg[4] === 'count' && M === 'GET') return countOf(req, notes());
      if (seg.length === 4 && M === 'POST') return createNote(env, req, ticket, apiMember);
      if (seg.length === 5) {
        const note = d.notes.find((n) => n.ticketId === ticket.id && String(n.id) === seg[4]);
        if (!note) return cwError(404, 'NotFound', `Ticket Note ${seg[4]} not found`);
        if (M === 'GET') return { status: 200, body: noteJson(env, note, base) };
        if (M === 'DELETE') {
          d.notes.splice(d.notes.indexOf(note), 1);
          return { status: 204 };
        }
        if (M === 'PUT') {
          const b = asObj(req.body);
          if (!b || typeof b.text !== 'string' || !b.text.trim()) return invalid('ticketNote', 'text', 'text may not be empty', 'NullOrEmpty');
          note.text = b.text;
          for (const f of ['detailDescriptionFlag', 'internalAnalysisFlag', 'resolutionFlag'] as const) if (typeof b[f] === 'boolean') note[f] = b[f] as boolean;
          return { status: 200, body: noteJson(env, note, base) };
        }
      }
    }
    if (seg[3] === 'allNotes' && seg.length === 4 && M === 'GET') {
      const ticketNotes = d.notes.filter((n) => n.ticketId === ticket.id).map((n) => {
        const j = noteJson(env, n, base);
        return { id: n.id, noteType: 'TicketNote', ticket: { id: ticket.id, summary: ticket.summary }, text: n.text, isInternalFlag: n.internalAnalysisFlag,
          isExternalFlag: n.detailDescriptionFlag || n.resolutionFlag, isProcessed: true, member: j.member, contact: j.contact ?? null,
          detailDescriptionFlag: n.detailDescriptionFlag, internalAnalysisFlag: n.internalAnalysisFlag, resolutionFlag: n.resolutionFlag,
          timeStart: null, timeEnd: null, dateCreated: n.dateCreated, createdBy: n.createdBy, _info: { lastUpdated: n.dateCreated, updatedBy: n.createdBy } };
      });
      const timeNotes = d.timeEntries.filter((e) => e.chargeToId === ticket.id && e.notes).map((e) => {
        const m = d.members.find((x) => x.id === e.memberId)!;
        return { id: e.id, noteType: 'TimeEntryNote', ticket: { id: ticket.id, summary: ticket.summary }, text: e.notes, isInternalFlag: e.addToInternalAnalysisFlag,
          isExternalFlag: e.addToDetailDescriptionFlag || e.addToResolutionFlag, isProcessed: true,
          member: ref(base, 'member', m.id, memberName(m), { identifier: m.identifier }), contact: null,
          detailDescriptionFlag: e.addToDetailDescriptionFlag, internalAnalysisFlag: e.addToInternalAnalysisFlag, resolutionFlag: e.addToResolutionFlag,
          timeStart: e.timeStart, timeEnd: e.timeEnd, dateCreated: e.dateEntered, createdBy: m.identifier, _info: { lastUpdated: e.dateEntered, updatedBy: m.identifier } };
      });
      return list(req, [...ticketNotes, ...timeNotes]);
    }
  }
  // time/entries
  if (seg[0] === 'time' && seg[1] === 'entries') {
    if (seg.length === 2 && M === 'GET') return list(req, d.timeEntries.map((e) => timeEntryJson(env, e, base)));
    if (seg.length === 2 && M === 'POST') return createTimeEntry(env, req, apiMember, nowStr());
    if (seg.length === 3 && M === 'GET') {
      const e = d.timeEntries.find((x) => String(x.id) === seg[2]);
      return e ? { status: 200, body: timeEntryJson(env, e, base) } : cwError(404, 'NotFound', `Time Entry ${seg[2]} not found`);
    }
  }
  // company/companies, company/contacts (read-only)
  if (seg[0] === 'company' && M === 'GET' && (seg[1] === 'companies' || seg[1] === 'contacts')) {
    const rows = seg[1] === 'companies'
      ? d.companies.map((c) => ({ id: c.id, identifier: c.identifier, name: c.name, phoneNumber: c.phoneNumber, city: c.city, state: c.state, status: { id: 1, name: 'Active' }, _info: {} }))
      : d.contacts.map((c) => ({ id: c.id, firstName: c.firstName, lastName: c.lastName, company: { id: c.companyId, identifier: d.companies.find((x) => x.id === c.companyId)!.identifier, name: d.companies.find((x) => x.id === c.companyId)!.name },
          communicationItems: [{ type: { id: 1, name: 'Email' }, value: c.email, defaultFlag: true, communicationType: 'Email' }, { type: { id: 2, name: 'Direct' }, value: c.phone, defaultFlag: true, communicationType: 'Phone' }], _info: {} }));
    if (seg.length === 2) return list(req, rows);
    const one = rows.find((r) => String(r.id) === seg[2]);
    return one ? { status: 200, body: one } : cwError(404, 'NotFound', `${seg[1] === 'companies' ? 'Company' : 'Contact'} ${seg[2]} not found`);
  }
  return cwError(404, 'NotFound', `The resource ${M} /${req.path} was not found.`);
}

function countOf(req: RestRequest, rows: Array<Record<string, unknown>>): RestResponse {
  const conditions = req.query.get('conditions');
  try {
    const expr = conditions ? parseConditions(conditions) : null;
    return { status: 200, body: { count: expr ? rows.filter((r) => evaluate(expr, r)).length : rows.length } };
  } catch (err) {
    if (err instanceof ConditionError) return cwError(400, 'InvalidObject', `conditions could not be parsed: ${err.message}`);
    throw err;
  }
}

function createNote(env: RestEnv, req: RestRequest, ticket: SimTicket, apiMember: SimMember): RestResponse {
  const b = asObj(req.body);
  if (!b) return cwError(400, 'InvalidObject', 'The request body is not a ticketNote object.');
  if (typeof b.text !== 'string' || !b.text.trim()) return invalid('ticketNote', 'text', 'text may not be empty', 'NullOrEmpty');
  const flag = (k: string) => b[k] === true;
  if (!flag('detailDescriptionFlag') && !flag('internalAnalysisFlag') && !flag('resolutionFlag')) {
    return invalid('ticketNote', 'detailDescriptionFlag', 'Please choose where to display the notes', 'InvalidObject');
  }
  let member = apiMember;
  if (b.member !== undefined && b.member !== null) {
    const m = resolveMember(env, b.member);
    if (m === 'invalid' || m === null) return invalid('ticketNote', 'member', 'Member not found or inactive');
    member = m;
  }
  const now = cwDate(env.now());
  const note: SimNote = {
    id: env.data.nextIds.note++,
    ticketId: ticket.id,
    text: b.text,
    detailDescriptionFlag: flag('detailDescriptionFlag'),
    internalAnalysisFlag: flag('internalAnalysisFlag'),
    resolutionFlag: flag('resolutionFlag'),
    customerUpdatedFlag: flag('customerUpdatedFlag'),
    // ConnectWise's default is to process notifications; integrations must send false to avoid emails.
    processNotifications: b.processNotifications !== false,
    memberId: member.id,
    contactId: null,
    dateCreated: now,
    createdBy: apiMember.identifier,
  };
  env.data.notes.push(note);
  ticket.lastUpdated = now;
  ticket.updatedBy = apiMember.identifier;
  return { status: 201, body: noteJson(env, note, req.base) };
}

function createTicket(env: RestEnv, req: RestRequest, apiMember: SimMember): RestResponse {
  const d = env.data;
  const b = asObj(req.body);
  if (!b) return cwError(400, 'InvalidObject', 'The request body is not a ticket object.');
  if (typeof b.summary !== 'string' || !b.summary.trim()) return invalid('ticket', 'summary', 'summary may not be empty', 'NullOrEmpty');
  if (b.summary.length > 100) return invalid('ticket', 'summary', 'summary may not exceed 100 characters', 'InvalidField');
  const cRef = asObj(b.company);
  const company = cRef && d.companies.find((c) => c.id === cRef.id || (typeof cRef.identifier === 'string' && c.identifier.toLowerCase() === cRef.identifier.toLowerCase()));
  if (!company) return invalid('ticket', 'company', 'company is required', 'NullOrEmpty');
  const bRef = asObj(b.board);
  const board = bRef ? d.boards.find((x) => x.id === bRef.id || x.name === bRef.name) : d.boards[0];
  if (!board) return invalid('ticket', 'board', 'board not found');
  const pRef = asObj(b.priority);
  const priority = pRef ? d.priorities.find((p) => p.id === pRef.id || p.name === pRef.name) : d.priorities[2];
  const now = cwDate(env.now());
  const ticket: SimTicket = {
    id: d.nextIds.ticket++, summary: b.summary, boardId: board.id, statusId: board.statuses[0]!.id, companyId: company.id,
    contactId: typeof asObj(b.contact)?.id === 'number' ? (asObj(b.contact)!.id as number) : null, priorityId: priority?.id ?? 3,
    typeName: null, severity: 'Medium', impact: 'Medium', ownerId: null, source: 'Web', closedFlag: false, closedDate: null,
    dateEntered: now, enteredBy: apiMember.identifier, lastUpdated: now, updatedBy: apiMember.identifier,
  };
  d.tickets.push(ticket);
  const initial: Array<[string, 'detailDescriptionFlag' | 'internalAnalysisFlag' | 'resolutionFlag']> = [
    ['initialDescription', 'detailDescriptionFlag'], ['initialInternalAnalysis', 'internalAnalysisFlag'], ['initialResolution', 'resolutionFlag'],
  ];
  for (const [field, flagName] of initial) {
    const text = b[field];
    if (typeof text === 'string' && text.trim()) {
      d.notes.push({ id: d.nextIds.note++, ticketId: ticket.id, text, detailDescriptionFlag: flagName === 'detailDescriptionFlag', internalAnalysisFlag: flagName === 'internalAnalysisFlag',
        resolutionFlag: flagName === 'resolutionFlag', customerUpdatedFlag: false, processNotifications: false, memberId: apiMember.id, contactId: null, dateCreated: now, createdBy: apiMember.identifier });
    }
  }
  return { status: 201, body: ticketJson(env, ticket, req.base) };
}

function patchTicket(env: RestEnv, req: RestRequest, ticket: SimTicket, apiMember: SimMember): RestResponse {
  if (!Array.isArray(req.body)) return cwError(400, 'InvalidObject', 'PATCH expects a JSON Patch array of operations.');
  let board = env.data.boards.find((b) => b.id === ticket.boardId)!;
  for (const raw of req.body) {
    const op = asObj(raw);
    if (!op || op.op !== 'replace' || typeof op.path !== 'string') return cwError(400, 'InvalidObject', 'Only "replace" operations are supported.');
    const path = op.path.replace(/^\//, '').toLowerCase();
    if (path === 'status' || path === 'status/id' || path === 'status/name') {
      const v = asObj(op.value) ?? (path === 'status/id' ? { id: op.value } : { name: op.value });
      const status = board.statuses.find((s) => s.id === v.id || (typeof v.name === 'string' && s.name.toLowerCase() === v.name.toLowerCase()));
      if (!status) return invalid('ticket', 'status', `Status is not valid for board ${board.name}`);
      if (status.inactive) return invalid('ticket', 'status', `Status ${status.name} is inactive on board ${board.name}`);
      ticket.statusId = status.id;
      ticket.closedFlag = status.name.startsWith('>Closed');
      ticket.closedDate = ticket.closedFlag ? cwDate(env.now()) : null;
    } else if (path === 'board' || path === 'board/id' || path === 'board/name') {
      // Moving a ticket to another board: a status the new board lacks falls back to its default, as in ConnectWise.
      const v = asObj(op.value) ?? (path === 'board/id' ? { id: op.value } : { name: op.value });
      const next = env.data.boards.find((b) => b.id === v.id || (typeof v.name === 'string' && b.name.toLowerCase() === v.name.toLowerCase()));
      if (!next) return invalid('ticket', 'board', 'Board not found');
      if (next.inactive) return invalid('ticket', 'board', `Board ${next.name} is inactive`);
      board = next;
      ticket.boardId = next.id;
      if (!next.statuses.some((s) => s.id === ticket.statusId)) ticket.statusId = next.statuses[0]!.id;
    } else if (path === 'summary') {
      if (typeof op.value !== 'string' || !op.value.trim() || op.value.length > 100) return invalid('ticket', 'summary', 'summary must be 1-100 characters');
      ticket.summary = op.value;
    } else return invalid('ticket', path, `Field ${path} cannot be patched in this simulator`);
  }
  ticket.lastUpdated = cwDate(env.now());
  ticket.updatedBy = apiMember.identifier;
  return { status: 200, body: ticketJson(env, ticket, req.base) };
}

function createTimeEntry(env: RestEnv, req: RestRequest, apiMember: SimMember, now: string): RestResponse {
  const d = env.data;
  const b = asObj(req.body);
  if (!b) return cwError(400, 'InvalidObject', 'The request body is not a timeEntry object.');
  if (b.chargeToType !== 'ServiceTicket') return invalid('timeEntry', 'chargeToType', 'chargeToType must be ServiceTicket in this simulator');
  const ticket = d.tickets.find((t) => t.id === b.chargeToId);
  if (!ticket) return invalid('timeEntry', 'chargeToId', `Service Ticket ${String(b.chargeToId)} not found`);
  const status = d.boards.find((x) => x.id === ticket.boardId)?.statuses.find((s) => s.id === ticket.statusId);
  if (status?.timeEntryNotAllowed) return invalid('timeEntry', 'chargeToId', `Time entries are not allowed on tickets in status ${status.name}`);
  const m = resolveMember(env, b.member);
  if (m === 'invalid') return invalid('timeEntry', 'member', 'Member not found or inactive');
  const member = m ?? apiMember;
  const start = typeof b.timeStart === 'string' ? Date.parse(b.timeStart) : NaN;
  const end = typeof b.timeEnd === 'string' ? Date.parse(b.timeEnd) : NaN;
  if (Number.isNaN(start)) return invalid('timeEntry', 'timeStart', 'timeStart is required', 'NullOrEmpty');
  if (Number.isNaN(end) || end <= start) return invalid('timeEntry', 'timeEnd', 'timeEnd must be after timeStart');
  const entry: SimTimeEntry = {
    id: d.nextIds.timeEntry++, chargeToId: ticket.id, chargeToType: 'ServiceTicket', memberId: member.id,
    timeStart: cwDate(new Date(start)), timeEnd: cwDate(new Date(end)), actualHours: Math.round(((end - start) / 3_600_000) * 100) / 100,
    notes: typeof b.notes === 'string' ? b.notes : '', addToDetailDescriptionFlag: b.addToDetailDescriptionFlag === true,
    addToInternalAnalysisFlag: b.addToInternalAnalysisFlag === true, addToResolutionFlag: b.addToResolutionFlag === true,
    billableOption: (['Billable', 'DoNotBill', 'NoCharge', 'NoDefault'] as const).find((o) => o === b.billableOption) ?? 'Billable',
    dateEntered: now,
  };
  d.timeEntries.push(entry);
  return { status: 201, body: timeEntryJson(env, entry, req.base) };
}
