// Renders a note document as plain text (what ConnectWise shows), markdown or escaped HTML.
import { MARK_RE, type Block, type NoteDocument, type TimelineEntry } from './document.js';

import type { NoteFormat } from '../../../shared/notes.js';

export { NOTE_FORMATS, type NoteFormat } from '../../../shared/notes.js';
export const CONTENT_TYPES: Record<NoteFormat, string> = {
  markdown: 'text/markdown; charset=utf-8',
  text: 'text/plain; charset=utf-8',
  html: 'text/html; charset=utf-8',
};

const plainMark = (text: string) => text.replace(MARK_RE, (_m, kind: string) => `[redacted ${kind}]`);

// ---- plain text -------------------------------------------------------------------------------
// ConnectWise shows notes as text: upper-case headings, "•" bullets, indented continuation lines,
// and nothing that only means something in markdown.

const indent = (text: string, by: string) => text.split('\n').join('\n' + by);

function textBlock(b: Block): string {
  switch (b.type) {
    case 'para':
      return plainMark(b.label ? `${b.label}: ${b.text}` : b.text);
    case 'list':
      return b.items.map((i) => `• ${indent(plainMark(i), '  ')}`).join('\n');
    case 'code':
      return indent('    ' + plainMark(b.text), '    ');
    case 'timeline':
      return b.entries.map(textEntry).join('\n');
  }
}

function textEntry(e: TimelineEntry): string {
  const lead = e.time.padEnd(5) + '  ';
  const cont = ' '.repeat(lead.length);
  let line = lead + indent(plainMark(e.text), cont) + (e.result ? ` → ${plainMark(e.result)}` : '');
  if (e.command) line += `\n${cont}Command: ${indent(plainMark(e.command), cont + '         ')}`;
  if (e.targets) line += `\n${cont}Targets: ${indent(plainMark(e.targets), cont + '         ')}`;
  if (e.note) line += `\n${cont}Note: ${indent(plainMark(e.note), cont + '      ')}`;
  return line;
}

export function renderText(doc: NoteDocument): string {
  const parts = [plainMark(doc.title).toUpperCase(), ...doc.meta.map(plainMark)].join('\n');
  const sections = doc.sections.map((s) => `${s.heading.toUpperCase()}\n${s.blocks.map(textBlock).join('\n')}`);
  return [parts, ...sections].join('\n\n') + '\n';
}

// ---- markdown ---------------------------------------------------------------------------------

/** Escapes user text so it cannot become markup (links, HTML, emphasis, headings, lists). */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`)
    .replace(/~~/g, '\\~\\~')
    .replace(/^(\s*)#/gm, '$1\\#')
    .replace(/^(\s*)([-+]|\d+[.)])(\s)/gm, (_m, sp: string, mark: string, s: string) => `${sp}${mark.replace(/([-+.)])/, '\\$1')}${s}`)
    .replace(/^(\s*)(=+|-{3,})\s*$/gm, (_m, sp: string, rule: string) => `${sp}\\${rule}`);
}

const mdText = (text: string) => escapeMarkdown(text).replace(MARK_RE, (_m, kind: string) => `**[redacted ${kind}]**`);
const mdLines = (text: string) => mdText(text).replace(/\n/g, '  \n');

/** Inline code that survives backticks inside the command. */
function mdCode(text: string): string {
  const plain = plainMark(text);
  if (plain.includes('\n')) {
    const fence = '`'.repeat(Math.max(3, (plain.match(/`+/g) ?? []).reduce((m, r) => Math.max(m, r.length + 1), 0)));
    return `\n\n${fence}\n${plain}\n${fence}\n`;
  }
  const ticks = '`'.repeat((plain.match(/`+/g) ?? []).reduce((m, r) => Math.max(m, r.length + 1), 1));
  const pad = plain.startsWith('`') || plain.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${plain}${pad}${ticks}`;
}

function mdBlock(b: Block): string {
  switch (b.type) {
    case 'para':
      return b.label ? `**${b.label}:** ${mdLines(b.text)}` : mdLines(b.text);
    case 'list':
      return b.items.map((i) => `- ${mdText(i).replace(/\n/g, '\n  ')}`).join('\n');
    case 'code':
      return mdCode(b.text.includes('\n') ? b.text : b.text + '\n').trim();
    case 'timeline':
      return b.entries
        .map((e) => {
          let line = `- **${e.time}** ${mdText(e.text).replace(/\n/g, '\n  ')}${e.result ? ` → *${mdText(e.result)}*` : ''}`;
          if (e.command) line += `  \n  Command: ${mdCode(e.command).replace(/\n/g, '\n  ')}`;
          if (e.targets) line += `  \n  Targets: ${mdText(e.targets)}`;
          if (e.note) line += `  \n  Note: ${mdText(e.note).replace(/\n/g, '\n  ')}`;
          return line;
        })
        .join('\n');
  }
}

export function renderMarkdown(doc: NoteDocument): string {
  const head = `## ${mdText(doc.title)}\n\n${doc.meta.map(mdText).join('  \n')}`;
  const sections = doc.sections.map((s) => `### ${s.heading}\n\n${s.blocks.map(mdBlock).join('\n\n')}`);
  return [head, ...sections].join('\n\n') + '\n';
}

// ---- HTML -------------------------------------------------------------------------------------
// Built only from escaped text and a fixed set of tags, so no markup from a ticket or a user can
// survive: nothing is "sanitised after the fact" because nothing unsafe is ever produced.

export const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const htmlText = (text: string) =>
  escapeHtml(text)
    .replace(MARK_RE, (_m, kind: string) => `<mark class="fp-redacted" title="Removed before sharing">[redacted ${kind}]</mark>`)
    .replace(/\n/g, '<br>');

function htmlBlock(b: Block): string {
  switch (b.type) {
    case 'para':
      return `<p>${b.label ? `<strong>${escapeHtml(b.label)}:</strong> ` : ''}${htmlText(b.text)}</p>`;
    case 'list':
      return `<ul>${b.items.map((i) => `<li>${htmlText(i)}</li>`).join('')}</ul>`;
    case 'code':
      return `<pre><code>${htmlText(b.text).replace(/<br>/g, '\n')}</code></pre>`;
    case 'timeline':
      return `<ul class="fp-timeline">${b.entries
        .map(
          (e) =>
            `<li><time datetime="${escapeHtml(e.at)}">${escapeHtml(e.time)}</time> ${htmlText(e.text)}` +
            (e.result ? ` → <em>${htmlText(e.result)}</em>` : '') +
            (e.command ? `<br>Command: <code>${htmlText(e.command)}</code>` : '') +
            (e.targets ? `<br>Targets: ${htmlText(e.targets)}` : '') +
            (e.note ? `<br>Note: ${htmlText(e.note)}` : '') +
            '</li>',
        )
        .join('')}</ul>`;
  }
}

export function renderHtml(doc: NoteDocument): string {
  const head = `<h2>${htmlText(doc.title)}</h2>\n<p>${doc.meta.map(htmlText).join('<br>')}</p>`;
  const sections = doc.sections.map((s) => `<h3>${escapeHtml(s.heading)}</h3>\n${s.blocks.map(htmlBlock).join('\n')}`);
  return `<article class="fp-note fp-note-${doc.kind}">\n${[head, ...sections].join('\n')}\n</article>\n`;
}

export function renderDocument(doc: NoteDocument, format: NoteFormat): string {
  return format === 'markdown' ? renderMarkdown(doc) : format === 'html' ? renderHtml(doc) : renderText(doc);
}
