// Build-time stand-in for `wxt/browser` (aliased in wxt.config.ts): webextension-polyfill's promise API.
import browser from 'webextension-polyfill';

export { browser };
