// The simulator's web side: ConnectWise's single-page ticket app, served on any host name, no internet needed.
//
// Markup contract (what the browser extension can rely on; it imitates the GWT app, CONNECTWISE.md "The ticket screen"):
//
// URLs (release path `/v2025_1/` or the `/v4_6_release/` alias; any `/vNNNN_N…/` is accepted):
//   /{release}/services/system_io/Service/fv_sr100_request.rails?service_recid=N[&companyName=x]   deep link, URL kept as is
//   /{release}/ConnectWise.aspx?locale=en_US&routeTo=ServiceFV&recid=N   (or srRecID=N)           deep link; like CW, the app
//        then appends `&fullscreen=false&chat=false#<state>??ServiceTicket` with history.replaceState
//   /{release}/services/system_io/router/openrecord.rails?locale=en_US&recordType=ServiceFv&recid=N
//   /{release}/ConnectWise.aspx?locale=en_US[#<state>??Screen]            the app (Service Board when there is no hash)
//   /   an index of links (handy for browsing)
// In-app navigation changes ONLY the hash: `#<opaque state>??ServiceTicket | ??ServiceBoard | ??ServiceTicketNew |
// ??CompanyDetail`. The state is opaque (never shows the ticket number). The query keeps the deep link's stale recid.
// Every navigation fires hashchange + popstate; the browser's back button works.
//
// Screens render progressively into `div#cwContent` (a loading mask first, then the frame with empty inputs, then
// the values, then the notes; `webStepMs` apart, default 120 ms). Input values are set through the `.value` property,
// never a value attribute. Ticket -> ticket navigation (next/previous) REUSES the same DOM and inputs (banner text
// and values change in place). Generated ids (`x-auto-N`) and obfuscated classes (`GMDB3DUB…`) change per render.
//
// Service ticket screen (`div.cw-screen.cw_ServiceTicketScreen`):
//   .cw_BannerView > div.gwt-Label.mm_label.detailLabel.cw_CwLabel   text `Service Ticket #184201 - <summary>`
//   .cw_BannerView > .cw_CwActionButton                               "Follow"
//   toolbar: .cw_ToolbarButton_Save, .cw_ToolbarButton_SaveAndClose, .cw_ToolbarButton_New (new ticket),
//            [data-sim-nav="back"], [data-sim-nav="prev"], [data-sim-nav="next"] (previous/next ticket by number)
//   .pod_service_ticket_ticket_header#x-auto-N > #x-auto-N-label      text `Ticket #184201`
//   inside .pod_service_ticket: label divs with title="Summary|Company|Contact|Board|Status" and
//     input.cw_PsaSummaryHeader, input.cw_company, input.cw_contact, input.cw_serviceBoard,
//     div.mm_comboBox > input.cw_status;   [data-sim-nav="company"] opens the company screen
//   outside the ticket pod (.pod_service_ticket_details): input.cw_priority, input.cw_type
//   notes: [data-cwid="pod_service_ticket_inital_note"].TicketNote-initialNote > .TicketNote-header (author, date)
//          + .TicketNote-note (the description text); later notes: div.TicketNote[data-note-id] > .TicketNote-note
// New ticket screen (`??ServiceTicketNew`): banner `New Service Ticket`, the same inputs, empty; no number anywhere.
// Service board (`??ServiceBoard`): banner `Service Board`, board filter links [data-sim-board="id|all"],
//   table.srboard-grid > tbody > tr.cw-ml-row[data-recid] (click a row or its a.cw-ml-ticket-link to open the ticket)
// Company screen (`??CompanyDetail`): banner detailLabel.cw_CwLabel with the company name, input.cw_companyName,
//   input.cw_companyIdentifier, and a table.cw-company-tickets listing its ticket numbers (not a ticket screen).
// Unknown ticket: a modal `div.cw-gxt-wnd` "Ticket N could not be found".
// Header nav (always present): [data-sim-nav="board"], [data-sim-nav="new"].
import { readFileSync } from 'node:fs';
import type { SimData, SimTicket } from './data.js';

export interface WebRequest {
  method: string;
  url: URL;
  data: SimData;
  webStepMs: number;
  codebase: string;
}

export interface WebResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const APP_JS = readFileSync(new URL('./web-app.js', import.meta.url), 'utf8');

const RELEASE_RE = /^\/(v\d+_\d+[^/]*)(\/.*)$/;

const html = (status: number, body: string): WebResponse => ({
  status,
  headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' },
  body,
});
const json = (status: number, body: unknown): WebResponse => ({
  status,
  headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' },
  body: JSON.stringify(body),
});

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** JSON inside <script>: `<` escaped so ticket text can never close the tag. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

const CSS = `
body{margin:0;font:12px Arial,Helvetica,sans-serif;background:#eef1f5;color:#222}
#cwHeader{height:36px;background:#026cb6;color:#fff;display:flex;align-items:center;gap:16px;padding:0 12px}
#cwHeader .cw-nav{cursor:pointer;text-decoration:underline}
#cwContent{padding:10px;min-height:400px;position:relative}
.cw_BannerView{background:#fff;border-bottom:1px solid #ccd;padding:8px 10px;display:flex;justify-content:space-between}
.detailLabel{font-size:16px;font-weight:bold}
.cw_toolbar{display:flex;gap:6px;padding:6px 0}
.cw_toolbar>div{border:1px solid #aab;background:#f7f7f7;padding:3px 8px;cursor:pointer}
.pod{background:#fff;border:1px solid #ccd;margin:8px 0;padding:8px}
.cw_fieldRow{display:flex;align-items:center;margin:3px 0}
.cw_fieldRow .mm_label{width:90px;color:#555}
.cw_fieldRow input{width:420px;padding:2px}
.TicketNote,.TicketNote-initialNote{border-top:1px solid #dde;padding:6px 0}
.TicketNote-header{color:#666;font-size:11px}
.TicketNote-note{white-space:pre-wrap}
.srboard-grid{border-collapse:collapse;background:#fff;width:100%}
.srboard-grid td,.srboard-grid th{border:1px solid #dde;padding:3px 6px;text-align:left}
.cw-ml-row{cursor:pointer}.cw-ml-row:hover{background:#e8f2fb}
.cw-loading{position:absolute;inset:0;background:rgba(255,255,255,.7);display:flex;align-items:center;justify-content:center}
.cw-gxt-wnd{position:fixed;top:30%;left:35%;background:#fff;border:2px solid #026cb6;padding:16px;box-shadow:0 4px 12px #0004}
`;

function shell(boot: unknown): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Manage: ConnectWise</title>
<style>${CSS}</style></head>
<body>
<div id="cwHeader"><span class="cw-logo">ConnectWise PSA</span><span class="cw-nav" data-sim-nav="board">Service Board</span><span class="cw-nav" data-sim-nav="new">New Service Ticket</span></div>
<div id="cwContent"></div>
<script id="sim-boot" type="application/json">${scriptJson(boot)}</script>
<script>${APP_JS}</script>
</body></html>`;
}

function recidFrom(q: URLSearchParams): number | null {
  for (const k of ['recid', 'srRecID', 'service_recid', 'srrecid', 'RecID']) {
    const v = q.get(k);
    if (v && /^\d+$/.test(v)) return Number(v);
  }
  return null;
}

const fmtDate = (iso: string) => {
  const d = new Date(iso);
  const h = d.getUTCHours();
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${((h + 11) % 12) + 1}:${String(d.getUTCMinutes()).padStart(2, '0')} ${h < 12 ? 'AM' : 'PM'}`;
};

function ticketView(data: SimData, t: SimTicket) {
  const board = data.boards.find((b) => b.id === t.boardId)!;
  const company = data.companies.find((c) => c.id === t.companyId)!;
  const contact = t.contactId ? data.contacts.find((c) => c.id === t.contactId) : undefined;
  const ids = data.tickets.map((x) => x.id).sort((a, b) => a - b);
  const i = ids.indexOf(t.id);
  const notes = data.notes.filter((n) => n.ticketId === t.id).sort((a, b) => a.id - b.id);
  const initial = notes.find((n) => n.detailDescriptionFlag);
  const author = (n: (typeof notes)[number]) => {
    const m = n.memberId ? data.members.find((x) => x.id === n.memberId) : undefined;
    const c = n.contactId ? data.contacts.find((x) => x.id === n.contactId) : undefined;
    return m ? `${m.firstName} ${m.lastName}` : c ? `${c.firstName} ${c.lastName}` : n.createdBy;
  };
  const view = (n: (typeof notes)[number]) => ({
    id: n.id, author: author(n), date: fmtDate(n.dateCreated), text: n.text,
    kind: n.resolutionFlag ? 'Resolution' : n.internalAnalysisFlag ? 'Internal' : 'Discussion',
  });
  return {
    id: t.id,
    summary: t.summary,
    company: { id: company.id, name: company.name, identifier: company.identifier },
    contact: contact ? `${contact.firstName} ${contact.lastName}` : '',
    board: board.name,
    status: board.statuses.find((s) => s.id === t.statusId)!.name,
    priority: data.priorities.find((p) => p.id === t.priorityId)!.name,
    type: t.typeName ?? '',
    prevId: i > 0 ? ids[i - 1] : null,
    nextId: i < ids.length - 1 ? ids[i + 1] : null,
    initialNote: initial ? view(initial) : null,
    notes: notes.filter((n) => n !== initial).map(view),
  };
}

function rpc(req: WebRequest, rest: string): WebResponse {
  const d = req.data;
  const m = /^\/services\/system_io\/sim_rpc\/(ticket|board|company)(?:\/(\w+))?$/.exec(rest);
  if (!m) return json(404, { error: 'unknown rpc' });
  if (m[1] === 'ticket') {
    const t = d.tickets.find((x) => String(x.id) === m[2]);
    return t ? json(200, ticketView(d, t)) : json(404, { error: `Ticket ${m[2]} could not be found` });
  }
  if (m[1] === 'board') {
    const boardId = m[2] && m[2] !== 'all' ? Number(m[2]) : null;
    const rows = d.tickets
      .filter((t) => boardId === null || t.boardId === boardId)
      .sort((a, b) => a.id - b.id)
      .map((t) => {
        const v = ticketView(d, t);
        return { id: t.id, summary: t.summary, company: v.company.name, status: v.status, priority: v.priority, board: v.board };
      });
    return json(200, { boards: d.boards.filter((b) => !b.inactive).map((b) => ({ id: b.id, name: b.name })), boardId, rows });
  }
  const c = d.companies.find((x) => String(x.id) === m[2]);
  if (!c) return json(404, { error: `Company ${m[2]} could not be found` });
  return json(200, { id: c.id, name: c.name, identifier: c.identifier, phone: c.phoneNumber, city: c.city, state: c.state,
    tickets: d.tickets.filter((t) => t.companyId === c.id).map((t) => ({ id: t.id, summary: t.summary })) });
}

function index(req: WebRequest): WebResponse {
  const rel = req.codebase.replace(/\/$/, '');
  const links = req.data.tickets
    .map((t) => `<li>#${t.id} ${esc(t.summary)} — <a href="/${rel}/ConnectWise.aspx?locale=en_US&amp;routeTo=ServiceFV&amp;recid=${t.id}">ConnectWise.aspx</a> · <a href="/v4_6_release/services/system_io/Service/fv_sr100_request.rails?service_recid=${t.id}">fv_sr100_request</a></li>`)
    .join('\n');
  return html(200, `<!DOCTYPE html><html><head><meta charset="utf-8"><title>ConnectWise simulator</title></head><body>
<h1>ConnectWise simulator</h1>
<p><a href="/${rel}/ConnectWise.aspx?locale=en_US">Service board</a> · REST API under <code>/v4_6_release/apis/3.0</code> and <code>/${esc(req.codebase)}apis/3.0</code></p>
<ul>${links}</ul></body></html>`);
}

export function handleWeb(req: WebRequest): WebResponse {
  const { url } = req;
  if (req.method !== 'GET' && req.method !== 'HEAD') return html(405, 'Method not allowed');
  if (url.pathname === '/' || url.pathname === '/index.html') return index(req);
  if (url.pathname === '/favicon.ico') return { status: 204, headers: {}, body: '' };
  const m = RELEASE_RE.exec(url.pathname);
  if (!m) return html(404, '<h1>404 - Not Found</h1>');
  const release = m[1]!;
  const rest = m[2]!;
  if (rest.startsWith('/services/system_io/sim_rpc/')) return rpc(req, rest);
  const lower = rest.toLowerCase();
  const recid = recidFrom(url.searchParams);
  let initial: { screen: string; id?: number } | null;
  let appendCwParams = false;
  if (lower === '/connectwise.aspx') {
    const routeTo = (url.searchParams.get('routeTo') ?? '').toLowerCase();
    if (routeTo === 'servicefv' && recid !== null) {
      initial = { screen: 'ServiceTicket', id: recid };
      appendCwParams = !url.searchParams.has('fullscreen');
    } else initial = null; // the hash decides; no hash: the service board
  } else if (lower === '/services/system_io/service/fv_sr100_request.rails') {
    if (recid === null) return html(400, '<h1>service_recid is required</h1>');
    initial = { screen: 'ServiceTicket', id: recid };
  } else if (lower === '/services/system_io/router/openrecord.rails') {
    const type = (url.searchParams.get('recordType') ?? '').toLowerCase();
    if (type !== 'servicefv' || recid === null) return html(400, '<h1>Unsupported record</h1>');
    initial = { screen: 'ServiceTicket', id: recid };
  } else return html(404, '<h1>404 - Not Found</h1>');
  return html(200, shell({ rpc: `/${release}/services/system_io/sim_rpc`, initial, appendCwParams, stepMs: req.webStepMs }));
}
