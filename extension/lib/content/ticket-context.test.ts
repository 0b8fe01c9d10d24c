// The ticket reader against fixtures of ConnectWise's screens: deep links, stale URLs, foreign numbers, non-ticket screens.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTicket, readTicketContext, screenFromHash, ticketSignature } from '../ticket-context';

const FIXTURES = path.join(import.meta.dirname, '__fixtures__');

function fixture(name: string): Document {
  const html = readFileSync(path.join(FIXTURES, name), 'utf8');
  return new DOMParser().parseFromString(html, 'text/html');
}

const SITE = 'https://na.myconnectwise.net';
const APP = `${SITE}/v2025_1/ConnectWise.aspx?locale=en_US#XQAAgAB1AQAAAAAAAAA9iIoG0eZ??ServiceTicket`;

describe('readTicketContext on the ticket screen', () => {
  it('reads the number from the banner and every field from the inputs', () => {
    const t = readTicketContext(fixture('ticket-screen.html'), new URL(APP));
    expect(t).toEqual({
      psa: 'connectwise',
      externalId: '123456',
      summary: 'VPN drops every 10 minutes for the Finance team',
      company: 'Acme Manufacturing (ACME)',
      contact: 'Jane Doe',
      board: 'Help Desk',
      status: 'In Progress',
      priority: 'Priority 2 - High',
      description: 'Since Monday the VPN disconnects every ten minutes.\nUsers on the Finance VLAN only.\n\nError in the client: 809.',
      url: APP,
    });
  });

  it("reads the inputs' live .value, which GWT sets without touching the attribute", () => {
    const doc = fixture('ticket-screen.html');
    (doc.querySelector('input.cw_status') as HTMLInputElement).value = 'Waiting on client';
    (doc.querySelector('input.cw_PsaSummaryHeader') as HTMLInputElement).value = 'VPN drops (edited)';
    const t = readTicketContext(doc, new URL(APP));
    expect(t?.status).toBe('Waiting on client');
    expect(t?.summary).toBe('VPN drops (edited)');
  });

  it('trusts the banner over a stale recid left in the URL by in-app navigation', () => {
    const stale = `${SITE}/v4_6_release/ConnectWise.aspx?locale=en_US&routeTo=ServiceFV&recid=111111&fullscreen=false&chat=false#abcDEF??ServiceTicket`;
    const got = readTicket(fixture('ticket-screen.html'), new URL(stale));
    expect(got?.ticket.externalId).toBe('123456');
    expect(got?.source).toBe('banner');
    expect(got?.ticket.url).toBe(stale);
  });

  it('ignores a hidden previous screen still in the DOM', () => {
    expect(readTicketContext(fixture('ticket-stale-hidden.html'), new URL(APP))).toMatchObject({ externalId: '222222', summary: 'New ticket' });
  });

  it('never takes a number from the summary or the description', () => {
    const t = readTicketContext(fixture('ticket-alerting.html'), new URL(APP));
    expect(t?.externalId).toBe('4455');
    expect(t?.summary).toBe('[126585259] Disk alert on SRV-FS01 - Ticket #: 126585259');
    expect(t?.description).toContain('Service Ticket #777777');
  });

  it('uses the ticket pod header before the banner is rendered', () => {
    const got = readTicket(fixture('ticket-pod-only.html'), new URL(APP));
    expect(got?.source).toBe('pod');
    expect(got?.ticket).toMatchObject({ externalId: '222333', summary: 'Printer offline in reception' });
  });

  it('prefers the pod header to a stale recid', () => {
    const stale = `${SITE}/v4_6_release/services/system_io/Service/fv_sr100_request.rails?service_recid=1`;
    expect(readTicketContext(fixture('ticket-pod-only.html'), new URL(stale))?.externalId).toBe('222333');
  });

  it('is satisfied with a ticket number alone', () => {
    expect(readTicketContext(fixture('ticket-minimal.html'), new URL(APP))).toEqual({ psa: 'connectwise', externalId: '31', url: APP });
  });

  it('tolerates markup that moved: other banner classes, the summary fallback, odd spacing and dashes', () => {
    expect(readTicketContext(fixture('ticket-moved-markup.html'), new URL(APP))).toEqual({
      psa: 'connectwise',
      externalId: '987654',
      summary: 'Outlook keeps asking for a password',
      company: 'Globex',
      status: 'New (email)',
      url: APP,
    });
  });

  it('falls back to the summary in the banner when the summary input is missing', () => {
    const doc = fixture('ticket-moved-markup.html');
    doc.querySelector('input.cw_summary')?.remove();
    expect(readTicketContext(doc, new URL(APP))?.summary).toBe('Outlook keeps asking for a password');
  });

  it('ignores ticket-looking text inside a modal window over the ticket', () => {
    const t = readTicketContext(fixture('ticket-with-modal.html'), new URL(APP));
    expect(t).toMatchObject({ externalId: '60001', company: 'Umbrella Corp' });
  });

  it('returns hostile text as inert plain text', () => {
    const doc = fixture('ticket-hostile.html');
    const contact = doc.querySelector('input.cw_contact') as HTMLInputElement;
    contact.value = `${contact.value}\u0007\u001b`;
    const t = readTicketContext(doc, new URL(APP));
    expect(t).toMatchObject({
      externalId: '5050',
      summary: '<img src=x onerror=alert(1)>',
      company: '"><svg onload=alert(2)>',
      description: '</script><script>alert(3)</script> and <b>bold</b> &amp;',
    });
    // Control characters are gone and nothing is an element or carries markup semantics.
    expect(t?.contact).toBe('Bobby Tables');
    for (const value of Object.values(t ?? {})) expect(typeof value).toBe('string');
  });

  it('signs the ticket on screen by number and summary', () => {
    const doc = fixture('ticket-screen.html');
    const before = ticketSignature(doc, new URL(APP));
    (doc.querySelector('input.cw_PsaSummaryHeader') as HTMLInputElement).value = 'Another summary';
    expect(ticketSignature(doc, new URL(APP))).not.toBe(before);
    expect(ticketSignature(fixture('company.html'), new URL(APP))).toBe('');
  });
});

describe('readTicketContext from deep links before the screen renders', () => {
  const loading = () => fixture('ticket-loading.html');
  const cases: [string, string][] = [
    ['fv_sr100_request.rails with companyName', '/v2025_1/services/system_io/Service/fv_sr100_request.rails?service_recid=123456&companyName=acme'],
    ['fv_sr100_request.rails without companyName', '/v4_6_release/services/system_io/Service/fv_sr100_request.rails?service_recid=123456'],
    ['ConnectWise.aspx routeTo=ServiceFV recid', '/v2025_1/ConnectWise.aspx?locale=en_US&routeTo=ServiceFV&recid=123456'],
    ['ConnectWise.aspx srRecID spelling', '/v4_6_release/ConnectWise.aspx?locale=en_US&routeTo=ServiceFV&srRecID=123456'],
    ['ConnectWise.aspx after CW appended its flags and hash', '/v2024_1/ConnectWise.aspx?locale=en_US&routeTo=ServiceFV&recid=123456&fullscreen=false&chat=false#XQAAgAB??ServiceTicket'],
    ['openrecord.rails', '/v4_6_release/services/system_io/router/openrecord.rails?locale=en_US&recordType=ServiceFv&recid=123456'],
    ['a release path with a suffix', '/v2025_1_hf2/services/system_io/Service/fv_sr100_request.rails?service_recid=123456'],
    ['odd parameter casing', '/v2025_1/ConnectWise.aspx?locale=en_US&ROUTETO=servicefv&RecID=123456'],
  ];
  for (const [name, pathAndQuery] of cases) {
    it(`takes the number from ${name}`, () => {
      const got = readTicket(loading(), new URL(SITE + pathAndQuery));
      expect(got?.source).toBe('url');
      expect(got?.ticket).toEqual({ psa: 'connectwise', externalId: '123456', url: SITE + pathAndQuery });
    });
  }

  it('works on an on-premise host, plain http and a port', () => {
    const url = 'http://cw.example-msp.com:8080/v4_6_release/services/system_io/Service/fv_sr100_request.rails?service_recid=42';
    expect(readTicketContext(loading(), new URL(url))?.externalId).toBe('42');
  });

  it('accepts a Location-like object', () => {
    const loc = { href: `${SITE}/v2025_1/ConnectWise.aspx?routeTo=ServiceFV&recid=5` } as Location;
    expect(readTicketContext(loading(), loc)?.externalId).toBe('5');
  });

  it('ignores links to other records and malformed numbers', () => {
    for (const p of [
      '/v2025_1/ConnectWise.aspx?locale=en_US&routeTo=CompanyFV&recid=123456',
      '/v4_6_release/services/system_io/router/openrecord.rails?recordType=ProjectTicketFv&recid=123456',
      '/v2025_1/services/system_io/Service/fv_sr100_request.rails?service_recid=12a',
      '/v2025_1/ConnectWise.aspx?locale=en_US',
      '/v2025_1/some/other/page?recid=123456',
    ]) {
      expect(readTicketContext(loading(), new URL(SITE + p)), p).toBeNull();
    }
  });
});

describe('readTicketContext off a service ticket', () => {
  const deepLink = `${SITE}/v2025_1/ConnectWise.aspx?locale=en_US&routeTo=ServiceFV&recid=123456`;

  it('returns nothing for a new ticket (by hash, and by banner)', () => {
    expect(readTicketContext(fixture('new-ticket.html'), new URL(`${SITE}/v2025_1/ConnectWise.aspx?locale=en_US#abc??ServiceTicketNew`))).toBeNull();
    expect(readTicketContext(fixture('new-ticket.html'), new URL(APP))).toBeNull();
  });

  it('returns nothing for project tickets, with or without their banner', () => {
    expect(readTicketContext(fixture('project-ticket.html'), new URL(APP))).toBeNull();
    expect(readTicketContext(fixture('project-ticket-no-banner.html'), new URL(APP))).toBeNull();
  });

  it('returns nothing in a time-entry window, though it names the ticket', () => {
    const url = `${SITE}/v2025_1/services/system_io/timeexpensemodule.html?chargeToId=123456&recid=123456`;
    expect(readTicketContext(fixture('time-entry.html'), new URL(url))).toBeNull();
  });

  it('returns nothing on a service board, even with a stale ticket deep link in the URL', () => {
    expect(readTicketContext(fixture('service-board.html'), new URL(`${SITE}/v2025_1/ConnectWise.aspx?locale=en_US#x??ServiceBoard`))).toBeNull();
    expect(readTicketContext(fixture('service-board.html'), new URL(deepLink))).toBeNull();
    expect(readTicketContext(fixture('service-board-no-banner.html'), new URL(deepLink))).toBeNull();
  });

  it('returns nothing on company and contact screens, whose banners are names', () => {
    expect(readTicketContext(fixture('company.html'), new URL(deepLink))).toBeNull();
    expect(readTicketContext(fixture('contact.html'), new URL(`${SITE}/v2025_1/ConnectWise.aspx#q??Contact`))).toBeNull();
    expect(readTicketContext(fixture('contact.html'), new URL(APP))).toBeNull();
  });

  it('returns nothing for a ticket shown only in a modal window over a board', () => {
    expect(readTicketContext(fixture('board-with-modal.html'), new URL(`${SITE}/v2025_1/ConnectWise.aspx?locale=en_US`))).toBeNull();
  });

  it('returns nothing once the hash names another screen, while the old ticket is still in the DOM', () => {
    expect(readTicketContext(fixture('ticket-screen.html'), new URL(`${SITE}/v2025_1/ConnectWise.aspx?locale=en_US#zz??ServiceBoard`))).toBeNull();
  });

  it('returns nothing on an empty page', () => {
    expect(readTicketContext(fixture('ticket-loading.html'), new URL(`${SITE}/v2025_1/ConnectWise.aspx?locale=en_US`))).toBeNull();
  });
});

describe('screenFromHash', () => {
  it('names the screen after the double question mark', () => {
    expect(screenFromHash('#XQAAgAB1AQ??ServiceTicket')).toBe('ServiceTicket');
    expect(screenFromHash('#abc??ServiceTicketNew')).toBe('ServiceTicketNew');
    expect(screenFromHash('#abc')).toBeNull();
    expect(screenFromHash('')).toBeNull();
  });
});
