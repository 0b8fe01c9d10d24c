import path from 'node:path';
import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';
import { CLOUD_MATCHES, DEFAULT_API_ORIGINS } from './extension/lib/common/hosts';

// See README "The extension". srcDir is extension/; builds land in .output/<browser>-mv3.
export default defineConfig({
  srcDir: 'extension',
  outDir: '.output',
  manifestVersion: 3,
  webExt: { disabled: true },
  // @xyflow/react (the workspace's flow canvas) runs on Preact: type-check and bundle `react` as preact/compat
  // (@preact/preset-vite aliases the bundle already; this gives TypeScript the same view).
  alias: { react: 'node_modules/preact/compat', 'react-dom': 'node_modules/preact/compat' },
  vite: () => ({
    plugins: [preact()],
    resolve: {
      // Every `browser` (ours and WXT's own helpers) is webextension-polyfill's, the same object on
      // Chrome, Edge and Firefox. Tests are unaffected: WxtVitest maps `wxt/browser` to fakeBrowser.
      alias: { 'wxt/browser': path.resolve(import.meta.dirname, 'extension/lib/common/browser-polyfill.ts') },
    },
  }),
  manifest: ({ browser }) => ({
    name: 'FlowPilot for ConnectWise',
    description: 'A troubleshooting copilot inside the ConnectWise PSA ticket view.',
    permissions: ['storage', 'alarms', 'scripting', 'activeTab'],
    host_permissions: [...CLOUD_MATCHES, ...DEFAULT_API_ORIGINS],
    // On-premise ConnectWise servers and a hosted API address are asked for from the options page.
    optional_host_permissions: ['*://*/*'],
    commands: {
      'toggle-panel': {
        suggested_key: { default: 'Alt+Shift+F' },
        description: 'Show or hide the FlowPilot panel on a ConnectWise ticket',
      },
    },
    web_accessible_resources: [
      // The panel's stylesheet is fetched by the content script; on-premise hosts are only known at run time.
      { resources: ['content-scripts/ticket.css'], matches: ['*://*/*'] },
    ],
    ...(browser === 'firefox'
      ? { browser_specific_settings: { gecko: { id: 'flowpilot@flowpilot.dev', strict_min_version: '128.0' } } }
      : {}),
  }),
});
