// The ConnectWise ticket content script: top frame only; small on purpose, the panel itself loads on a ticket (lib/mount-panel).
import './style.css';
import { CLOUD_MATCHES } from '../../lib/common/hosts';
import { startTicketPanel } from '../../lib/content/mount-panel';

export default defineContentScript({
  matches: CLOUD_MATCHES,
  allFrames: false,
  runAt: 'document_idle',
  cssInjectionMode: 'ui',
  main(ctx) {
    startTicketPanel(ctx);
  },
});
