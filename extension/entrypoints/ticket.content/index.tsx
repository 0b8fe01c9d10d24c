// The ConnectWise ticket content script: top frame only; everything it does lives in lib/mount-panel.
import './style.css';
import { CLOUD_MATCHES } from '../../lib/hosts';
import { startTicketPanel } from '../../lib/mount-panel';

export default defineContentScript({
  matches: CLOUD_MATCHES,
  allFrames: false,
  runAt: 'document_idle',
  cssInjectionMode: 'ui',
  async main(ctx) {
    await startTicketPanel(ctx);
  },
});
