// The background owns the tokens, the API client and the offline queue; see lib/background/.
import { setupBackground } from '../lib/background';

export default defineBackground(() => {
  setupBackground();
});
