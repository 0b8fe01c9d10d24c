// Wires the background: storage access, message handlers by concern, replay of the offline queue, the panel hotkey.
import { browser } from 'wxt/browser';
import { onMessage, sendMessage } from '../protocol';
import { applyOnPremHosts } from './onprem';
import { loadPanelInto } from './panel';
import { setupAsk } from './ask';
import { createBackgroundServices, publishSignedInUser } from './services';
import { secureStorageAccess } from './storage-access';
import { setupReplay } from './sync';

export function setupBackground() {
  // First of all: the tokens' area closed to content scripts, the panel's area open to them.
  const storageReady = secureStorageAccess();
  void storageReady.then(() => publishSignedInUser()).catch(() => {});
  const services = createBackgroundServices();
  const replay = setupReplay(services.queue);

  onMessage('api', ({ data }) => services.call(data.op, data.args));
  onMessage('accountState', () => services.accountState());
  onMessage('signIn', ({ data }) => services.signIn(data));
  onMessage('signOut', () => services.signOut());
  onMessage('syncNow', () => replay.now());
  onMessage('applyOnPremHosts', () => applyOnPremHosts());
  onMessage('openOptions', () => browser.runtime.openOptionsPage());
  // The panel reads `session` as soon as it runs: only inject it once that area is open to it.
  onMessage('loadPanel', async ({ sender }) => {
    await storageReady;
    return loadPanelInto(sender);
  });
  setupAsk(services.api);

  browser.commands.onCommand.addListener((command) => {
    if (command !== 'toggle-panel') return;
    void browser.tabs.query({ active: true, currentWindow: true }).then(([tab]) => {
      if (tab?.id !== undefined) return sendMessage('togglePanel', undefined, tab.id).catch(() => {});
    });
  });
  browser.runtime.onStartup.addListener(() => void applyOnPremHosts().catch(() => {}));
}
