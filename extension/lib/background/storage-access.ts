// Who may read which storage area: `local` (the tokens) for the extension's trusted contexts only, `session` for the panel too.
import { browser } from 'wxt/browser';

type AccessLevel = 'TRUSTED_CONTEXTS' | 'TRUSTED_AND_UNTRUSTED_CONTEXTS';
/** `StorageArea.setAccessLevel` (Chrome 102+): not in webextension-polyfill's types, absent in older Firefox. */
interface AccessControlledArea {
  setAccessLevel?: (options: { accessLevel: AccessLevel }) => Promise<void>;
}

/** Applies one access level; false where the browser cannot (no such method, or it refuses this area). */
async function setAccessLevel(area: AccessControlledArea | undefined, accessLevel: AccessLevel): Promise<boolean> {
  if (typeof area?.setAccessLevel !== 'function') return false;
  try {
    await area.setAccessLevel({ accessLevel });
    return true;
  } catch {
    return false;
  }
}

export interface StorageAccess {
  /** `local` is closed to content scripts: the tokens are out of their reach. */
  localClosed: boolean;
  /** `session` is open to content scripts (Chrome keeps it to trusted contexts by default). */
  sessionOpen: boolean;
}

/**
 * Closes `local` to content scripts (extension pages and the service worker keep it) and opens `session`
 * to them, where the panel's status lives (see storage.ts). Chrome and Edge do both and keep the level (in
 * Chromium 156 it outlived a browser restart); this runs at every background start all the same, and the
 * panel is only injected once it has settled. Firefox cannot close `local`
 * (its setAccessLevel, where present, is for `session` only), so there the tokens stay readable by content
 * scripts: a limit of the browser, said in storage.ts too. Never rejects.
 */
export async function secureStorageAccess(): Promise<StorageAccess> {
  const [localClosed, sessionOpen] = await Promise.all([
    setAccessLevel(browser.storage.local as AccessControlledArea, 'TRUSTED_CONTEXTS'),
    setAccessLevel(browser.storage.session as AccessControlledArea | undefined, 'TRUSTED_AND_UNTRUSTED_CONTEXTS'),
  ]);
  if (!localClosed && !import.meta.env.FIREFOX) console.warn('FlowPilot: could not close storage.local to content scripts');
  return { localClosed, sessionOpen };
}
