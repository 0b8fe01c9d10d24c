// Note previews: markdown rendered, ticket text inert, redactions marked.
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown';

describe('renderMarkdown', () => {
  it('renders the note sections and lists', () => {
    // Starts with a paragraph: happy-dom drops DOMPurify's first element when it is a heading (Chromium does not).
    const html = renderMarkdown('Resolution note\n\n## Problem\nOutlook **prompts**\n\n- one\n- two\n\n```\ncmdkey /list\n```');
    expect(html).toContain('<h4>Problem</h4>');
    expect(html).toContain('<strong>prompts</strong>');
    expect(html).toContain('<ul>\n<li>one</li>\n<li>two</li>\n</ul>');
    expect(html).toContain('<pre><code>cmdkey /list</code></pre>');
  });

  it('keeps hostile ticket text as text', () => {
    const html = renderMarkdown('Summary: <img src=x onerror=alert(1)> </script><script>alert(2)</script> [x](javascript:alert(3))');
    const div = document.createElement('div');
    div.innerHTML = html;
    expect(div.querySelector('img, script, a')).toBeNull();
    expect(div.textContent).toContain('<img src=x onerror=alert(1)>');
    expect(div.textContent).toContain('</script><script>alert(2)</script>');
  });

  it('prints markdown escapes as themselves and marks redactions', () => {
    const div = document.createElement('div');
    div.innerHTML = renderMarkdown('Ticket \\#184201, password \\[redacted password\\] and [redacted api key]');
    expect(div.textContent).toBe('Ticket #184201, password [redacted password] and [redacted api key]');
    expect([...div.querySelectorAll('mark.redacted')].map((m) => m.textContent)).toEqual(['[redacted password]', '[redacted api key]']);
  });
});
