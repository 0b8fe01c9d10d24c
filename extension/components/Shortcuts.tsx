// Keyboard shortcuts for the common actions, and the "?" list of them. Alt+Shift+letter: free in ConnectWise
// and in Chromium's own keys; they act on the panel's controls (so they do nothing the panel could not).
import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';

interface Shortcut {
  key: string;
  label: string;
  /** The panel controls it acts on, first found wins; `focus` puts the caret there instead of clicking. */
  targets: string[];
  focus?: boolean;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { key: 'K', label: 'Add a fact', targets: ['[data-fp="fact-input"]'], focus: true },
  { key: 'A', label: 'Ask FlowPilot', targets: ['[data-fp="ask"] textarea', '[data-fp="ask"] input'], focus: true },
  { key: 'L', label: 'Log a command or observation', targets: ['[data-fp="lane-input"]'], focus: true },
  { key: 'V', label: 'Preview the note', targets: ['[data-fp="note-open"]', '[data-fp="note-preview"]'] },
  { key: 'P', label: 'Post the note (asks to confirm)', targets: ['[data-fp="post-note"]', '[data-fp="post-confirm-yes"]'] },
];

/** Runs the shortcut for this key press inside `root`; true when one matched. */
export function runShortcut(e: KeyboardEvent, root: ParentNode): boolean {
  if (!e.altKey || !e.shiftKey || e.ctrlKey || e.metaKey) return false;
  const s = SHORTCUTS.find((x) => e.code === `Key${x.key}`);
  if (!s) return false;
  const el = s.targets.map((t) => root.querySelector<HTMLElement>(t)).find((x) => x && !(x as HTMLButtonElement).disabled);
  if (!el) return false;
  el.scrollIntoView({ block: 'nearest' });
  if (s.focus) el.focus();
  else if (el.matches('button')) el.click();
  else el.focus();
  return true;
}

export function Shortcuts() {
  const open = useSignal(false);
  const anchor = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const root = anchor.current?.getRootNode() as ParentNode | undefined;
    if (!root) return;
    const onKey = (e: KeyboardEvent) => {
      if (runShortcut(e, root)) {
        e.preventDefault();
        e.stopPropagation();
      }
    };
    // Capture on the page: the shortcuts work wherever the focus is, ConnectWise's screen or the panel.
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);
  return (
    <div class="fp-shortcuts" ref={anchor}>
      <button class="fp-icon" aria-expanded={open.value} aria-controls="fp-shortcut-list" aria-label="Keyboard shortcuts" title="Keyboard shortcuts" onClick={() => (open.value = !open.value)} data-fp="shortcuts-toggle">
        ?
      </button>
      {open.value && (
        <div class="fp-shortcut-list" id="fp-shortcut-list" role="region" aria-label="Keyboard shortcuts" data-fp="shortcuts">
          <dl>
            {SHORTCUTS.map((s) => (
              <div key={s.key} class="fp-shortcut">
                <dt>
                  <kbd>Alt</kbd>+<kbd>Shift</kbd>+<kbd>{s.key}</kbd>
                </dt>
                <dd>{s.label}</dd>
              </div>
            ))}
            <div class="fp-shortcut">
              <dt>
                <kbd>Alt</kbd>+<kbd>Shift</kbd>+<kbd>F</kbd>
              </dt>
              <dd>Show or hide FlowPilot</dd>
            </div>
          </dl>
        </div>
      )}
    </div>
  );
}
