// The panel's theme: dark when the system asks for it (prefers-color-scheme) or when ConnectWise itself is
// shown dark (its page background is dark), light otherwise. Re-checked when either changes.
import { signal, type ReadonlySignal } from '@preact/signals';

/** Relative luminance (0–1) of a CSS rgb()/rgba() colour; null when transparent or unreadable. */
export function luminance(cssColor: string): number | null {
  const m = /^rgba?\((\d+)[ ,]+(\d+)[ ,]+(\d+)(?:[ ,/]+([\d.]+))?\)$/.exec(cssColor.trim());
  if (!m) return null;
  if (m[4] !== undefined && Number(m[4]) === 0) return null;
  const [r, g, b] = [m[1], m[2], m[3]].map((v) => {
    const c = Number(v) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function pageIsDark(doc: Document): boolean {
  for (const el of [doc.body, doc.documentElement]) {
    if (!el) continue;
    const l = luminance(getComputedStyle(el).backgroundColor);
    if (l !== null) return l < 0.2;
  }
  return false;
}

/** A signal that is true while the panel should be dark; stop() removes its listeners. */
export function watchTheme(win: Window = window): { dark: ReadonlySignal<boolean>; stop: () => void } {
  const media = win.matchMedia('(prefers-color-scheme: dark)');
  const dark = signal(false);
  const check = () => (dark.value = media.matches || pageIsDark(win.document));
  check();
  media.addEventListener('change', check);
  // ConnectWise switches its theme by restyling the page: class or style changes on <html>/<body>.
  const observer = new MutationObserver(check);
  for (const el of [win.document.documentElement, win.document.body]) if (el) observer.observe(el, { attributes: true, attributeFilter: ['class', 'style', 'data-theme'] });
  return {
    dark,
    stop: () => {
      media.removeEventListener('change', check);
      observer.disconnect();
    },
  };
}
