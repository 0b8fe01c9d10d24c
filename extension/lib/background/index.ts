// Wires the background: storage access, message handlers (messages.ts), replay of the offline queue, the panel hotkey.
import { browser } from 'wxt/browser';
import { sendMessage } from '../common/protocol';
import { applyOnPremHosts } from './onprem';
import { setupAsk } from './ask';
import { setupAssistant } from './assistant';
import { setupBuilder } from './builder';
import { setupMessages } from './messages';
import { createBackgroundServices, publishSignedInUser } from './services';
import { secureStorageAccess } from './storage-access';
import { setupReplay } from './sync';

export function setupBackground() {
  // First of all: the tokens' area closed to content scripts, the panel's area open to them.
  const storageReady = secureStorageAccess();
  void storageReady.then(() => publishSignedInUser()).catch(() => {});
  const services = createBackgroundServices();
  const replay = setupReplay(services.queue);

  setupMessages({ services, syncNow: () => replay.now(), storageReady });
  setupAsk(services.api);
  setupAssistant(services.api);
  setupBuilder(services.api);

  browser.commands.onCommand.addListener((command) => {
    if (command !== 'toggle-panel') return;
    void browser.tabs.query({ active: true, currentWindow: true }).then(([tab]) => {
      if (tab?.id !== undefined) return sendMessage('togglePanel', undefined, tab.id).catch(() => {});
    });
  });
  browser.runtime.onStartup.addListener(() => void applyOnPremHosts().catch(() => {}));
}
