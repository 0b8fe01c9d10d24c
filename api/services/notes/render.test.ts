// Escaping: user text never becomes markdown or HTML markup.
import { describe, expect, it } from 'vitest';
import { escapeHtml, escapeMarkdown } from './render.js';

describe('escaping user text', () => {
  it('markdown: links, emphasis, HTML, headings, lists and rules stay literal; ordinary text is left alone', () => {
    expect(escapeMarkdown('[click](javascript:alert(1)) **bold** _it_ <b>x</b> `code`')).toBe(
      '\\[click\\](javascript:alert(1)) \\*\\*bold\\*\\* \\_it\\_ \\<b\\>x\\</b\\> \\`code\\`',
    );
    expect(escapeMarkdown('# not a heading\n- not a list\n1. not ordered\n---')).toBe('\\# not a heading\n\\- not a list\n1\\. not ordered\n\\---');
    expect(escapeMarkdown('Ticket #184201 at 09:41, C: below 5% (NW-SQL01)')).toBe('Ticket #184201 at 09:41, C: below 5% (NW-SQL01)');
  });

  it('HTML: every special character is an entity', () => {
    expect(escapeHtml(`<img src=x onerror="a('b')">&`)).toBe('&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;');
  });
});
