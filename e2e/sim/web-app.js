// The simulated ConnectWise single-page app (inlined into the page by web.ts; markup contract documented there).
(function () {
  'use strict';
  var BOOT = JSON.parse(document.getElementById('sim-boot').textContent);
  var STEP = BOOT.stepMs;
  var root = document.getElementById('cwContent');
  var autoId = 100 + Math.floor(Math.random() * 400);
  var nextId = function () { autoId += 1; return 'x-auto-' + autoId; };
  var OBF = ['GMDB3DUBDDL', 'GMDB3DUBBJB', 'GMDB3DUBOCL', 'GMDB3DUBKCL', 'GMDB3DUBFCL', 'GMDB3DUBG5'];
  var obf = function () { return OBF[Math.floor(Math.random() * OBF.length)] + String.fromCharCode(65 + Math.floor(Math.random() * 26)); };
  var KEY = [0x5a, 0x13, 0x77, 0x2c, 0x41, 0x08, 0x6e, 0x39];

  // Opaque, compressed-looking hash state: never shows the ticket number readably.
  function encodeState(obj) {
    obj.n = Math.floor(Math.random() * 1e9);
    var s = JSON.stringify(obj), out = '';
    for (var i = 0; i < s.length; i++) out += String.fromCharCode(s.charCodeAt(i) ^ KEY[i % KEY.length]);
    return btoa(out).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  }
  function decodeState(str) {
    try {
      var b = atob(str.replace(/-/g, '+').replace(/_/g, '/')), out = '';
      for (var i = 0; i < b.length; i++) out += String.fromCharCode(b.charCodeAt(i) ^ KEY[i % KEY.length]);
      return JSON.parse(out);
    } catch (e) { return null; }
  }
  function readHash() {
    var h = location.hash.replace(/^#/, '');
    if (!h) return null;
    var parts = h.split('??');
    var st = decodeState(parts[0]) || {};
    return { screen: parts[1] || 'ServiceBoard', id: st.id, board: st.board };
  }
  function go(screen, state) {
    location.hash = encodeState(state || {}) + '??' + screen;
  }

  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      if (k === 'text') el.textContent = attrs[k];
      else if (k === 'onclick') el.addEventListener('click', attrs[k]);
      else el.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) el.appendChild(c); });
    return el;
  }
  function sleep(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }
  function fetchJson(path) {
    return fetch(BOOT.rpc + path, { credentials: 'same-origin' }).then(function (r) {
      return r.json().then(function (body) { return { ok: r.ok, body: body }; });
    });
  }
  function loading() {
    var mask = h('div', { class: 'cw-loading', text: 'Loading...' });
    root.appendChild(mask);
    return mask;
  }
  function clear() { while (root.firstChild) root.removeChild(root.firstChild); }
  function banner(text) {
    var label = h('div', { class: 'gwt-Label mm_label detailLabel cw_CwLabel ' + obf() });
    if (text !== undefined) label.textContent = text;
    return h('div', { class: 'cw_BannerView ' + obf() }, [label, h('div', { class: 'cw_CwActionButton ' + obf() }, [h('div', { class: 'gwt-Label', text: 'Follow' })])]);
  }
  function field(title, cls, wrapCombo) {
    var input = h('input', { type: 'text', class: 'gwt-TextBox ' + cls + ' ' + obf(), id: nextId() + '-input' });
    var holder = wrapCombo ? h('div', { class: 'mm_comboBox ' + obf() }, [input]) : h('div', { class: obf() }, [input]);
    return { row: h('div', { class: 'cw_fieldRow' }, [h('div', { class: 'gwt-Label mm_label ' + obf(), title: title, text: title }), holder]), input: input };
  }
  function toolbarButton(cls, label, onclick, nav) {
    var a = { class: cls + ' ' + obf(), title: label, onclick: onclick };
    if (nav) a['data-sim-nav'] = nav;
    return h('div', a, [h('div', { class: 'gwt-Label', text: label })]);
  }
  function modal(text) {
    var wnd = h('div', { class: 'cw-gxt-wnd', role: 'dialog' }, [h('div', { class: 'gwt-Label', text: text }), h('button', { text: 'OK', onclick: function () { wnd.remove(); } })]);
    document.body.appendChild(wnd);
  }

  var renderToken = 0;
  var current = null; // { screen, id, els }

  // ---- Service ticket (and the new-ticket screen, which uses the same frame) ----
  function buildTicketFrame(isNew) {
    var f = {
      summary: field('Summary', 'cw_PsaSummaryHeader'), company: field('Company', 'cw_company'), contact: field('Contact', 'cw_contact'),
      board: field('Board', 'cw_serviceBoard'), status: field('Status', 'cw_status', true),
      priority: field('Priority', 'cw_priority'), type: field('Type', 'cw_type'),
    };
    var bannerEl = banner(isNew ? undefined : '');
    var headerId = nextId();
    var headerLabel = h('div', { id: headerId + '-label', class: 'gwt-Label ' + obf() });
    var notes = h('div', { class: 'pod pod_service_ticket_notes ' + obf() });
    var screen = h('div', { class: 'cw-screen ' + (isNew ? 'cw_ServiceTicketNewScreen' : 'cw_ServiceTicketScreen') }, [
      bannerEl,
      h('div', { class: 'cw_toolbar ' + obf() }, [
        toolbarButton('cw_ToolbarButton_Save', 'Save', function () {}),
        toolbarButton('cw_ToolbarButton_SaveAndClose', 'Save & Close', function () { history.back(); }),
        toolbarButton('cw_ToolbarButton_New', 'New', function () { go('ServiceTicketNew'); }),
        toolbarButton('cw_ToolbarButton_Back', 'Back', function () { history.back(); }, 'back'),
        isNew ? null : toolbarButton('cw_ToolbarButton_Previous', 'Previous', function () { if (current && current.prevId) go('ServiceTicket', { id: current.prevId }); }, 'prev'),
        isNew ? null : toolbarButton('cw_ToolbarButton_Next', 'Next Ticket', function () { if (current && current.nextId) go('ServiceTicket', { id: current.nextId }); }, 'next'),
      ]),
      isNew ? null : h('div', { class: 'pod pod_service_ticket_ticket_header ' + obf(), id: headerId }, [headerLabel]),
      h('div', { class: 'pod pod_service_ticket ' + obf() }, [
        f.summary.row, f.company.row,
        isNew ? null : h('div', { class: 'cw-company-link', 'data-sim-nav': 'company', text: 'Open company', onclick: function () { if (current && current.companyId) go('CompanyDetail', { id: current.companyId }); } }),
        f.contact.row, f.board.row, f.status.row,
      ]),
      h('div', { class: 'pod pod_service_ticket_details ' + obf() }, [f.priority.row, f.type.row]),
      isNew ? null : notes,
    ]);
    if (isNew) bannerEl.firstChild.textContent = 'New Service Ticket';
    return { screen: screen, fields: f, banner: bannerEl.firstChild, headerLabel: headerLabel, notes: notes };
  }
  function noteEl(n, initial) {
    var attrs = initial ? { 'data-cwid': 'pod_service_ticket_inital_note', class: 'TicketNote-initialNote ' + obf() } : { class: 'TicketNote ' + obf(), 'data-note-id': String(n.id) };
    return h('div', attrs, [
      h('div', { class: 'TicketNote-header' }, [h('span', { class: 'TicketNote-author', text: n.author }), h('span', { text: ' ' }), h('span', { class: 'TicketNote-date', text: n.date }), h('span', { class: 'TicketNote-kind', text: initial ? '  Initial Description' : '  ' + n.kind })]),
      h('div', { class: 'TicketNote-note', text: n.text }),
    ]);
  }
  async function showTicket(id, token) {
    var reuse = current && current.screen === 'ServiceTicket' && current.els && root.contains(current.els.screen);
    var mask = loading();
    var res = await fetchJson('/ticket/' + encodeURIComponent(id));
    await sleep(STEP);
    if (token !== renderToken) return;
    mask.remove();
    if (!res.ok) { modal(res.body.error || ('Ticket ' + id + ' could not be found')); return; }
    var t = res.body;
    var els;
    if (reuse) {
      els = current.els; // GWT reuses the screen: the banner and values change in place
    } else {
      clear();
      els = buildTicketFrame(false);
      root.appendChild(els.screen);
      await sleep(STEP);
      if (token !== renderToken) return;
    }
    current = { screen: 'ServiceTicket', id: t.id, prevId: t.prevId, nextId: t.nextId, companyId: t.company.id, els: els };
    els.banner.textContent = 'Service Ticket #' + t.id + ' - ' + t.summary;
    els.headerLabel.textContent = 'Ticket #' + t.id;
    await sleep(Math.round(STEP / 2));
    if (token !== renderToken) return;
    els.fields.summary.input.value = t.summary;
    els.fields.company.input.value = t.company.name;
    els.fields.contact.input.value = t.contact;
    els.fields.board.input.value = t.board;
    els.fields.status.input.value = t.status;
    els.fields.priority.input.value = t.priority;
    els.fields.type.input.value = t.type;
    await sleep(STEP);
    if (token !== renderToken) return;
    while (els.notes.firstChild) els.notes.removeChild(els.notes.firstChild);
    els.notes.appendChild(h('div', { class: 'gwt-Label mm_label', text: 'Notes' }));
    if (t.initialNote) els.notes.appendChild(noteEl(t.initialNote, true));
    t.notes.forEach(function (n) { els.notes.appendChild(noteEl(n, false)); });
  }
  async function showNewTicket(token) {
    clear();
    var mask = loading();
    await sleep(STEP);
    if (token !== renderToken) return;
    mask.remove();
    var els = buildTicketFrame(true);
    root.appendChild(els.screen);
    current = { screen: 'ServiceTicketNew', els: els };
    await sleep(STEP);
    if (token !== renderToken) return;
    els.fields.status.input.value = 'New';
    els.fields.priority.input.value = 'Priority 3 - Medium';
  }

  // ---- Service board ----
  async function showBoard(boardId, token) {
    clear();
    var mask = loading();
    var res = await fetchJson('/board/' + (boardId || 'all'));
    await sleep(STEP);
    if (token !== renderToken) return;
    mask.remove();
    var data = res.body;
    var filters = [h('span', { class: 'cw-board-filter', 'data-sim-board': 'all', text: 'All Boards', onclick: function () { go('ServiceBoard', {}); } })];
    data.boards.forEach(function (b) {
      filters.push(h('span', { text: ' | ' }));
      filters.push(h('span', { class: 'cw-board-filter', 'data-sim-board': String(b.id), text: b.name, onclick: function () { go('ServiceBoard', { board: b.id }); } }));
    });
    var tbody = h('tbody');
    var screen = h('div', { class: 'cw-screen cw_ServiceBoardScreen' }, [
      banner('Service Board'),
      h('div', { class: 'cw_toolbar ' + obf() }, [toolbarButton('cw_ToolbarButton_New', 'New', function () { go('ServiceTicketNew'); }, 'new')]),
      h('div', { class: 'cw-board-filters' }, filters),
      h('table', { class: 'srboard-grid ' + obf() }, [
        h('thead', null, [h('tr', null, ['Ticket #', 'Summary', 'Company', 'Board', 'Status', 'Priority'].map(function (c) { return h('th', { text: c }); }))]),
        tbody,
      ]),
    ]);
    root.appendChild(screen);
    current = { screen: 'ServiceBoard' };
    await sleep(Math.round(STEP / 2));
    if (token !== renderToken) return;
    data.rows.forEach(function (r) {
      var open = function (e) { e.preventDefault(); go('ServiceTicket', { id: r.id }); };
      tbody.appendChild(h('tr', { class: 'cw-ml-row ' + obf(), 'data-recid': String(r.id), onclick: open }, [
        h('td', { class: 'cw-ml-cell' }, [h('a', { class: 'cw-ml-ticket-link', href: '#', text: String(r.id) })]),
        h('td', { class: 'cw-ml-cell', text: r.summary }), h('td', { class: 'cw-ml-cell', text: r.company }),
        h('td', { class: 'cw-ml-cell', text: r.board }), h('td', { class: 'cw-ml-cell', text: r.status }), h('td', { class: 'cw-ml-cell', text: r.priority }),
      ]));
    });
  }

  // ---- Company ----
  async function showCompany(id, token) {
    clear();
    var mask = loading();
    var res = await fetchJson('/company/' + encodeURIComponent(id));
    await sleep(STEP);
    if (token !== renderToken) return;
    mask.remove();
    if (!res.ok) { modal(res.body.error); return; }
    var c = res.body;
    var name = field('Company Name', 'cw_companyName'), ident = field('Company ID', 'cw_companyIdentifier'), phone = field('Phone', 'cw_phoneNumber');
    var rows = c.tickets.map(function (t) {
      return h('tr', { class: 'cw-company-ticket' }, [h('td', { text: String(t.id) }), h('td', { text: t.summary })]);
    });
    root.appendChild(h('div', { class: 'cw-screen cw_CompanyScreen' }, [
      banner(c.name),
      h('div', { class: 'cw_toolbar ' + obf() }, [toolbarButton('cw_ToolbarButton_Save', 'Save', function () {}), toolbarButton('cw_ToolbarButton_Back', 'Back', function () { history.back(); }, 'back')]),
      h('div', { class: 'pod pod_company ' + obf() }, [name.row, ident.row, phone.row]),
      h('table', { class: 'cw-company-tickets' }, rows),
    ]));
    current = { screen: 'CompanyDetail' };
    await sleep(Math.round(STEP / 2));
    if (token !== renderToken) return;
    name.input.value = c.name;
    ident.input.value = c.identifier;
    phone.input.value = c.phone;
  }

  function route() {
    var token = ++renderToken;
    var target = readHash() || BOOT.initial || { screen: 'ServiceBoard' };
    var p;
    if (target.screen === 'ServiceTicket' && target.id) p = showTicket(target.id, token);
    else if (target.screen === 'ServiceTicketNew') p = showNewTicket(token);
    else if (target.screen === 'CompanyDetail' && target.id) p = showCompany(target.id, token);
    else p = showBoard(target.board, token);
    p.catch(function (e) { if (token === renderToken) modal('Error: ' + e.message); });
  }

  document.addEventListener('click', function (e) {
    var nav = e.target.closest && e.target.closest('#cwHeader [data-sim-nav]');
    if (!nav) return;
    var which = nav.getAttribute('data-sim-nav');
    if (which === 'board') go('ServiceBoard', {});
    if (which === 'new') go('ServiceTicketNew');
  });
  window.addEventListener('hashchange', route);

  if (BOOT.appendCwParams && !location.hash) {
    // ConnectWise appends its own parameters and a hash after a ConnectWise.aspx deep link.
    history.replaceState(null, '', location.pathname + location.search + '&fullscreen=false&chat=false#' + encodeState({ id: BOOT.initial.id }) + '??ServiceTicket');
  }
  route();
})();
