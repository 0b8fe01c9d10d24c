// Wires the background: message handlers by concern, replay of the offline queue, the panel hotkey.
import { browser } from 'wxt/browser';
import { onMessage, sendMessage } from '../protocol';
import { applyOnPremHosts } from './onprem';
import { loadPanelInto } from './panel';
import { setupAsk } from './ask';
import { createBackgroundServices } from './services';
import { setupReplay } from './sync';

export function setupBackground() {
  const services = createBackgroundServices();
  const replay = setupReplay(services.queue);

  onMessage('api', ({ data }) => services.call(data.op, data.args));
  onMessage('accountState', () => services.accountState());
  onMessage('signIn', ({ data }) => services.signIn(data));
  onMessage('signOut', () => services.signOut());
  onMessage('syncNow', () => replay.now());
  onMessage('applyOnPremHosts', () => applyOnPremHosts());
  onMessage('openOptions', () => browser.runtime.openOptionsPage());
  onMessage('loadPanel', ({ sender }) => loadPanelInto(sender));
  setupAsk(services.api);

  browser.commands.onCommand.addListener((command) => {
    if (command !== 'toggle-panel') return;
    void browser.tabs.query({ active: true, currentWindow: true }).then(([tab]) => {
      if (tab?.id !== undefined) return sendMessage('togglePanel', undefined, tab.id).catch(() => {});
    });
  });
  browser.runtime.onStartup.addListener(() => void applyOnPremHosts().catch(() => {}));
}
