// Turns a connection's `site` (bare cloud/on-premise host, or a full origin) into the web and API origins.

export class SiteError extends Error {}

export interface SiteOrigins {
  /** Where the web app and /login/companyinfo live, e.g. https://na.myconnectwise.net */
  webOrigin: string;
  /** Where the REST API lives, e.g. https://api-na.myconnectwise.net */
  apiOrigin: string;
}

/** Cloud UI hosts whose REST API is served from the `api-` prefixed host. */
const CLOUD_SUFFIXES = ['.myconnectwise.net', '.connectwisedev.com'];

const HOST_RE = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*(?::\d{1,5})?$/i;

/**
 * `na.myconnectwise.net` -> web https://na.myconnectwise.net, API https://api-na.myconnectwise.net;
 * `cw.example-msp.com` -> both https://cw.example-msp.com; `http://127.0.0.1:9123` -> used as is.
 */
export function siteOrigins(site: string): SiteOrigins {
  const raw = site.trim().replace(/\/+$/, '');
  if (!raw) throw new SiteError('The ConnectWise site is empty.');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      throw new SiteError(`"${raw.slice(0, 100)}" is not a valid URL.`);
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new SiteError('The ConnectWise site must use http or https.');
    if (u.username || u.password || (u.pathname !== '/' && u.pathname !== '') || u.search || u.hash) {
      throw new SiteError('Give the ConnectWise site as a host name or an origin (scheme, host and port) with no path.');
    }
    return { webOrigin: u.origin, apiOrigin: u.origin };
  }
  if (!HOST_RE.test(raw)) throw new SiteError(`"${raw.slice(0, 100)}" is not a host name (e.g. na.myconnectwise.net).`);
  const host = raw.toLowerCase();
  const cloud = CLOUD_SUFFIXES.some((s) => host.endsWith(s));
  if (cloud && host.startsWith('api-')) return { webOrigin: `https://${host.slice(4)}`, apiOrigin: `https://${host}` };
  return { webOrigin: `https://${host}`, apiOrigin: cloud ? `https://api-${host}` : `https://${host}` };
}

/** The stable deep link to a ticket in the web app (`v4_6_release/` is ConnectWise's alias for the live release). */
export function ticketWebUrl(site: string, ticketId: number | string): string {
  return `${siteOrigins(site).webOrigin}/v4_6_release/services/system_io/Service/fv_sr100_request.rails?service_recid=${encodeURIComponent(String(ticketId))}`;
}
