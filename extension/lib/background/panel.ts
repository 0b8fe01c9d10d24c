// Loads the panel bundle into a ConnectWise tab when its content script finds a ticket screen.
import { browser } from 'wxt/browser';
import { PANEL_SCRIPT } from '../common/panel-host';

/**
 * Injects panel.js into the sender's frame, in the extension's isolated world (the same one as the content
 * script, never the page's). Host access is the content script's own: cloud hosts, or a granted on-premise one.
 */
export async function loadPanelInto(sender: { tab?: { id?: number }; frameId?: number }): Promise<void> {
  const tabId = sender.tab?.id;
  if (tabId === undefined) throw new Error('loadPanel must come from a content script in a tab');
  await browser.scripting.executeScript({ target: { tabId, frameIds: [sender.frameId ?? 0] }, files: [PANEL_SCRIPT] });
}
