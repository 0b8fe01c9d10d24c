// The TicketContext normaliser: plain, bounded text from untrusted ticket fields.
import { describe, expect, it } from 'vitest';
import { cleanText, normalizeTicketContext } from './ticket-context.js';

describe('normalizeTicketContext', () => {
  it('keeps the fields as clean plain text and drops empty ones', () => {
    const ctx = normalizeTicketContext({
      externalId: 184201,
      url: 'https://na.myconnectwise.net/v4_6_release/services/system_io/Service/fv_sr100_request.rails?service_recid=184201',
      summary: '  Outlook\u0000 keeps\tprompting \u202efor password ',
      company: 'Contoso Dental Group',
      contact: '   ',
      board: null,
      description: 'Line one\r\nLine two\u0007\n\n\n\nLine three',
    });
    expect(ctx).toEqual({
      psa: 'connectwise',
      externalId: '184201',
      url: expect.stringContaining('service_recid=184201'),
      summary: 'Outlook keeps prompting for password',
      company: 'Contoso Dental Group',
      description: 'Line one\nLine two\n\nLine three',
    });
  });

  it('refuses a ticket number that is not digits and caps long text', () => {
    expect(() => normalizeTicketContext({ externalId: '12a', url: 'x' })).toThrow(/digits/);
    expect(cleanText('x'.repeat(300), 200)).toHaveLength(200);
  });
});
