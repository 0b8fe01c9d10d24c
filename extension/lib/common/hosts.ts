// Where ConnectWise's web UI lives: the content script's match patterns and the on-premise host rules.

/**
 * Cloud UI hosts (CONNECTWISE.md "Hosts and paths"). `*://` on purpose: production is https, but the
 * e2e suite maps `na.myconnectwise.net` onto the plain-http simulator so these exact patterns are tested.
 * `api-*` hosts serve only the REST API; matching them is harmless because the reader finds no ticket.
 */
export const CLOUD_MATCHES = ['*://*.myconnectwise.net/*', '*://*.connectwise.net/*', '*://staging.connectwisedev.com/*'];

/** Origins the API is allowed at without asking (the default `npm start` address and local dev). */
export const DEFAULT_API_ORIGINS = ['http://127.0.0.1/*', 'http://localhost/*'];

/** The id under which on-premise hosts are registered as a dynamic content script. */
export const ONPREM_SCRIPT_ID = 'flowpilot-onprem-ticket';

/**
 * Turns what an admin types ("cw.example-msp.com", "https://cw.example-msp.com:8443/v4_6_release/")
 * into a match pattern for the host, or null when it is not a usable host name.
 */
export function onPremMatchPattern(input: string): string | null {
  const raw = input.trim();
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  const host = url.hostname.toLowerCase();
  if (!/^[a-z0-9.-]+$/.test(host) || !host.includes('.') && host !== 'localhost') return null;
  // Match patterns cannot carry a port; the host alone covers every port.
  return `*://${host}/*`;
}

/** The origin permission pattern for an API address such as "https://flowpilot.example.com". */
export function apiOriginPattern(apiBase: string): string | null {
  try {
    const url = new URL(apiBase);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    return `${url.protocol}//${url.hostname}/*`;
  } catch {
    return null;
  }
}
