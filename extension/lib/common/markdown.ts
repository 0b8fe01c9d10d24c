// A small markdown renderer for note previews; its output always goes through DOMPurify.
import DOMPurify from 'dompurify';

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Markdown backslash escapes (`\#`, `\*`) become entities, so they print as themselves and never format. */
const unescapeMd = (s: string) => s.replace(/\\([\\`*_{}[\]()#+\-.!|>~])/g, (_m, ch: string) => `&#${ch.charCodeAt(0)};`);

function inline(s: string): string {
  const marked = escape(s).replace(
    /\\?\[redacted(?:[: ]([^\]\\]*))?\\?\]/gi,
    (_m, what?: string) => `<mark class="redacted" title="Redacted by FlowPilot">[redacted${what ? ` ${what}` : ''}]</mark>`,
  );
  return unescapeMd(marked)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^*])\*([^*\s][^*]*)\*/g, '$1<em>$2</em>');
}

/** Markdown → sanitised HTML (headings, lists, code blocks, emphasis; redaction markers highlighted). */
export function renderMarkdown(md: string): string {
  const out: string[] = [];
  const lines = md.replace(/\r\n?/g, '\n').split('\n');
  let list: 'ul' | 'ol' | null = null;
  let code: string[] | null = null;
  const closeList = () => {
    if (list) out.push(`</${list}>`);
    list = null;
  };
  for (const line of lines) {
    if (code) {
      if (/^```/.test(line)) {
        out.push(`<pre><code>${escape(code.join('\n'))}</code></pre>`);
        code = null;
      } else code.push(line);
      continue;
    }
    if (/^```/.test(line)) {
      closeList();
      code = [];
      continue;
    }
    const h = /^(#{1,6})\s+(.*)$/.exec(line);
    const ul = /^\s*[-*+]\s+(.*)$/.exec(line);
    const ol = /^\s*\d+[.)]\s+(.*)$/.exec(line);
    if (h) {
      closeList();
      const level = Math.min(h[1]!.length + 2, 6);
      out.push(`<h${level}>${inline(h[2]!)}</h${level}>`);
    } else if (ul || ol) {
      const kind = ul ? 'ul' : 'ol';
      if (list !== kind) {
        closeList();
        out.push(`<${kind}>`);
        list = kind;
      }
      out.push(`<li>${inline((ul ?? ol)![1]!)}</li>`);
    } else if (!line.trim()) {
      closeList();
    } else {
      closeList();
      out.push(`<p>${inline(line)}</p>`);
    }
  }
  if (code) out.push(`<pre><code>${escape(code.join('\n'))}</code></pre>`);
  closeList();
  return sanitize(out.join('\n'));
}

/** Only formatting survives: no scripts, handlers, styles, forms, links that run code. */
export function sanitize(html: string): string {
  return DOMPurify.sanitize(html, {
    ALLOWED_TAGS: ['p', 'br', 'strong', 'em', 'b', 'i', 'code', 'pre', 'ul', 'ol', 'li', 'h3', 'h4', 'h5', 'h6', 'mark', 'blockquote', 'a', 'hr'],
    ALLOWED_ATTR: ['class', 'title', 'href'],
    ALLOWED_URI_REGEXP: /^https?:/i,
  });
}
