// Who sent a message to the background: the extension's own pages, or our content script inside a page we do not control.
import { browser } from 'wxt/browser';

/**
 * `extension-page`: popup, options (and any later page of ours), served from the extension's own origin.
 * `content-script`: the ticket content script and the panel it loads, running inside a ConnectWise page. Its
 * code is ours, but it lives next to a page that may be hostile, so it gets only what the panel needs.
 */
export type SenderKind = 'extension-page' | 'content-script';

/** The parts of `runtime.MessageSender` (and of a port's sender) the decision reads; the browser sets them, not the sender. */
export interface MessageSenderLike {
  id?: string;
  url?: string;
  tab?: { id?: number };
  frameId?: number;
}

/**
 * Classifies a sender by where its document was loaded from. An extension page opened in a tab (options via
 * `openOptionsPage`, or a bookmarked chrome-extension:// URL) has `sender.tab` too, so the tab alone does not
 * tell a content script from a page: the URL does. Content scripts report the URL of the page they run in,
 * which is never our origin (content scripts do not run in extension pages, and no extension page is web-accessible,
 * so none can be framed by ConnectWise). Anything else (another extension, no URL) is null: obeyed in nothing.
 */
export function senderKind(sender: MessageSenderLike | undefined): SenderKind | null {
  if (!sender || sender.id !== browser.runtime.id) return null;
  if (typeof sender.url === 'string' && sender.url.startsWith(browser.runtime.getURL('/'))) return 'extension-page';
  if (sender.tab?.id !== undefined) return 'content-script';
  return null;
}

/** A message the background will not obey: from the wrong kind of sender (403) or with a malformed payload (400). */
export class RefusedMessage extends Error {
  constructor(
    readonly status: 400 | 403,
    readonly code: 'forbidden_sender' | 'invalid_input',
    message: string,
  ) {
    super(message);
    this.name = 'RefusedMessage';
  }
}

const DESCRIBE: Record<SenderKind, string> = {
  'extension-page': "the extension's own pages",
  'content-script': 'the panel on a ConnectWise page',
};

/** Throws RefusedMessage unless the sender is one of `allowed`; returns its kind. */
export function requireSender(sender: MessageSenderLike | undefined, allowed: readonly SenderKind[], what: string): SenderKind {
  const kind = senderKind(sender);
  if (kind && allowed.includes(kind)) return kind;
  const who = kind ? DESCRIBE[kind] : 'an unknown sender';
  throw new RefusedMessage(403, 'forbidden_sender', `${what} is only accepted from ${allowed.map((k) => DESCRIBE[k]).join(' or ')}, not from ${who}.`);
}
