// On-premise ConnectWise hosts: granted as optional host permissions, then served by a dynamically registered content script.
import { browser } from 'wxt/browser';
import { ONPREM_SCRIPT_ID } from '../common/hosts';
import { onPremHostsItem } from '../common/storage';

/** Registers the ticket content script for every stored on-premise host the user has granted. */
export async function applyOnPremHosts(): Promise<{ patterns: string[] }> {
  const stored = await onPremHostsItem.getValue();
  const granted: string[] = [];
  for (const pattern of stored) {
    if (await browser.permissions.contains({ origins: [pattern] }).catch(() => false)) granted.push(pattern);
  }
  const existing = await browser.scripting.getRegisteredContentScripts({ ids: [ONPREM_SCRIPT_ID] }).catch(() => []);
  if (existing.length) await browser.scripting.unregisterContentScripts({ ids: [ONPREM_SCRIPT_ID] });
  if (granted.length) {
    await browser.scripting.registerContentScripts([
      { id: ONPREM_SCRIPT_ID, matches: granted, js: ['content-scripts/ticket.js'], runAt: 'document_idle', allFrames: false, persistAcrossSessions: true },
    ]);
  }
  return { patterns: granted };
}
