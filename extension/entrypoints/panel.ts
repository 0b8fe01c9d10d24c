// The panel bundle (Preact, signals, the model, the cards): injected by the background on the first ticket screen.
import { publishPanel } from '../lib/common/panel-host';
import { createPanelApp } from '../lib/panel/panel-app';

export default defineUnlistedScript(() => {
  publishPanel(createPanelApp);
});
