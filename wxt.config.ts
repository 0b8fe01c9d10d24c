import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';

// See README "The extension". srcDir is extension/; builds land in .output/<browser>-mv3.
export default defineConfig({
  srcDir: 'extension',
  outDir: '.output',
  manifestVersion: 3,
  webExt: { disabled: true },
  vite: () => ({ plugins: [preact()] }),
  manifest: {
    name: 'FlowPilot for ConnectWise',
    description: 'A troubleshooting copilot inside the ConnectWise PSA ticket view.',
  },
});
