// The built-in detectors, in three layers:
//   1. known token formats (prefix/shape rules; the shapes follow gitleaks' published rules in
//      config/gitleaks.toml, cited per rule by its gitleaks id),
//   2. keyword in context: a secret word (password, PSK, PIN, client secret…) or a command flag,
//      then an introducer (":", "=", "is", "set to", "ist"…), then the value,
//   3. entropy: a random-looking value within a short window after a secret keyword.
//
// Linear time: every quantifier is bounded ({1,200} rather than + or *), so the work done from any
// start position is bounded by a constant and a whole scan is O(n). redaction.test.ts proves it per
// detector on 10 KB and 100 KB of adversarial text (each detector's `probes`).
export type SecretKind =
  | 'password'
  | 'api key'
  | 'token'
  | 'private key'
  | 'connection string'
  | 'card number'
  | 'webhook'
  | 'pre-shared key'
  | 'recovery code'
  | 'account pattern'
  | 'account word';

export interface DetectorContext {
  /** The (normalised) text being searched. */
  text: string;
}

export interface Detector {
  name: string;
  kind: SecretKind;
  re: RegExp;
  /** Index of the capture group that holds the secret (0 = whole match). */
  group?: number;
  /** Extra check on the captured value (and the whole match). */
  accept?: (value: string, match: RegExpExecArray, ctx: DetectorContext) => boolean;
  /** Finds the secret's [start, end) itself (instead of `group`); null when there is none. */
  locate?: (match: RegExpExecArray, ctx: DetectorContext) => [number, number] | null;
  /** A hand-written linear scan used instead of `re` (returns [start, end) spans). */
  scan?: (text: string) => [number, number][];
  /** The kind, when it depends on the match (a generic assignment to "password" is a password). */
  kindOf?: (match: RegExpExecArray) => SecretKind;
  /** Fragments an attacker (or an unlucky paste) would repeat to make this detector slow. */
  probes: string[];
}

// ---- value checks ---------------------------------------------------------------------------

/** Words that follow "password is/was/to" in ordinary sentences and are not passwords. */
export const NOT_A_PASSWORD = new Set(
  `expired expiring expire expires incorrect wrong correct invalid valid reset resets changed change changes required requires needed
  set not the a an and or to for of on in at by is was be been being too very now still also only just
  blank empty missing unknown same different new old temporary temp weak strong complex simple short long
  locked unlocked working works accepted rejected saved stored cached synced updated ok okay fine good bad
  policy policies prompt prompts field box manager protected encrypted hidden shown sent emailed texted given
  none n/a na null tbd yes no please their his her my your our its this that it them they he she we you i
  true false undefined redacted removed masked hidden stars asterisks prompt user users account accounts
  length age history complexity requirement requirements rules hint hints reuse expiry expiration last
  again when after before until since because if then there here which who what how where with without from
  into onto via per once twice later soon today tomorrow yesterday back down up off out over
  never always sometimes different unchanged secure insecure known unknown below above following same
  es est ist war era la le el der die das het de une un ein eine
  ssid wpa wpa2 wpa3 wep key keys network wifi wi-fi guest
  see check ask use used using stored vault keeper lastpass bitwarden 1password itglue hudu passportal provided attached
  documented listed noted unchanged same as above below previous usual standard sms email phone call`.split(/\s+/),
);

const TRAILING = /[.,;:!?)\]}>'"`]+$/;
const LEADING = /^[([{<'"`]+/;
export const bare = (v: string) => v.replace(LEADING, '').replace(TRAILING, '');
export const isQuoted = (v: string) => /^(["'`]).*\1$/s.test(v) && v.length > 2;
export const unquote = (v: string) => (isQuoted(v) ? v.slice(1, -1) : v);

/** Shapes that are never secrets on their own: dates, times, IPs, versions, GUIDs, MACs, KBs, error codes, paths, URLs, e-mail. */
export function ordinaryShape(v: string): boolean {
  return (
    /^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}(?:[T ]\d{1,2}:\d{2}(?::\d{2})?)?$/.test(v) || // dates
    /^\d{1,2}:\d{2}(?::\d{2})?(?:am|pm)?$/i.test(v) || // times
    /^(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?(?:\/\d{1,2})?$/.test(v) || // IPv4[:port][/mask]
    /^[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?:%\w{1,20})?(?:\/\d{1,3})?$/i.test(v) || // IPv6
    /^v?\d{1,6}(?:\.\d{1,6}){1,4}(?:-[a-z0-9.]{1,20})?$/i.test(v) || // versions, builds
    /^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i.test(v) || // GUIDs
    /^[0-9a-f]{2}(?:[:-][0-9a-f]{2}){5}$/i.test(v) || // MAC
    /^KB\d{5,8}$/i.test(v) || // KB articles
    /^0x[0-9a-f]{1,16}$/i.test(v) || // error codes
    /^#\d{1,12}$/.test(v) || // ticket numbers
    /^(?:[a-z]:\\|\\\\|~\/|%[a-z_]{1,30}%|\.{1,2}[\\/])/i.test(v) || // paths
    /^\/[a-z0-9._-]{1,64}(?:\/[A-Za-z0-9._ -]{0,64}){0,30}\/?$/.test(v) || // Unix paths
    /^(?:https?|ftp|file):\/\/[^@\s]{1,300}$/i.test(v) || // URLs without credentials
    /^[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,5}$/.test(v) || // e-mail addresses
    /^\+?\(?\d{1,4}\)?(?:[ .-]\d{2,4}){2,4}$/.test(v) || // phone numbers
    /^\$(?:env:)?[A-Za-z_]{1,40}$|^\$\{[A-Za-z_]{1,40}\}$|^%[A-Za-z_]{1,40}%$/.test(v) || // a shell/PowerShell/cmd variable, not a value
    /^<[^>]{1,60}>$/.test(v) || // a placeholder: <password>
    /^\*{3,}$|^x{4,}$|^\.{3,}$/i.test(v) // masked
  );
}

/** A value looks like a real secret: mixes letters with digits or symbols, or is not a plain word. */
export function looksSecret(value: string): boolean {
  const v = bare(value);
  if (v.length < 4 || NOT_A_PASSWORD.has(v.toLowerCase()) || ordinaryShape(v)) return false;
  const hasDigit = /\d/.test(v);
  const hasLetter = /\p{L}/u.test(v);
  const hasSymbol = /[^\p{L}\p{N}]/u.test(v);
  const mixedCase = /\p{Ll}/u.test(v) && /\p{Lu}/u.test(v.slice(1));
  // "re-enter", "sign-in": a lowercase hyphenated word is not a password.
  if (!hasDigit && !mixedCase && /^[a-z]+(?:[-'][a-z]+){1,3}$/.test(v)) return false;
  return (hasLetter && (hasDigit || hasSymbol)) || mixedCase || (hasDigit && hasSymbol);
}

/** Strict: a bare token with no introducer ("password Zebra-42!") must look like a password. */
function strongSecret(value: string): boolean {
  const v = bare(value);
  if (v.length < 6 || !looksSecret(v) || /^[/-][a-z]/i.test(v)) return false;
  const classes = [/\p{Ll}/u, /\p{Lu}/u, /\d/, /[^\p{L}\p{N}]/u].filter((r) => r.test(v)).length;
  return classes >= 2 && /\d|[^\p{L}\p{N}-]/u.test(v);
}

/** Shannon entropy in bits per character. */
export function entropy(v: string): number {
  const freq = new Map<string, number>();
  for (const ch of v) freq.set(ch, (freq.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of freq.values()) {
    const p = n / v.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** A machine-generated key or token: long, varied, not a word or a known ordinary shape. */
export function highEntropy(value: string, min = 16): boolean {
  const v = bare(unquote(value));
  if (v.length < min || ordinaryShape(v)) return false;
  if (/^[a-z]+(?:[-_][a-z]+)*$/i.test(v)) return false; // words joined by dashes
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((r) => r.test(v)).length;
  if (classes < 2 && !/^[0-9a-f]{20,}$/i.test(v)) return false;
  return entropy(v) >= (v.length >= 32 ? 3.2 : 3.0);
}

/** A value assigned to a password-ish name with an explicit separator: anything but a stop word or an ordinary shape. */
function assignedPassword(value: string): boolean {
  const v = bare(unquote(value));
  if (isQuoted(value)) return unquote(value).trim().length >= 3 && !NOT_A_PASSWORD.has(unquote(value).trim().toLowerCase());
  if (v.length < 3 || NOT_A_PASSWORD.has(v.toLowerCase()) || ordinaryShape(v)) return false;
  if (/^\d+$/.test(v)) return v.length >= 4;
  // A short plain word ("see", "ask") is prose, not a password.
  if (/^[a-z]{1,4}$/.test(v)) return false;
  return true;
}

/** A value assigned to a key/token/secret name: random-looking, or at least a mixed 8+ characters. */
function assignedKey(value: string): boolean {
  const v = bare(unquote(value));
  if (v.length < 8 || ordinaryShape(v) && !/^\{?[0-9a-f]{8}-/i.test(v)) return false;
  if (/^(?:true|false|null|none|undefined|required|optional|string|bearer|basic)$/i.test(v)) return false;
  if (/^\d+$/.test(v)) return v.length >= 12;
  return highEntropy(v, 8) || looksSecret(v) && /\d/.test(v) && /\p{L}/u.test(v);
}

// ---- building blocks --------------------------------------------------------------------------

/** Keyword boundaries that work for non-ASCII letters too (ñ, ł, ö). */
const L = String.raw`(?<![\p{L}\p{N}_])`;
const R = String.raw`(?![\p{L}\p{N}_])`;

// A value: quoted, or a run of non-space characters.
const VALUE = String.raw`("[^"\n]{1,200}"|'[^'\n]{1,200}'|\x60[^\x60\n]{1,200}\x60|[^\s"'\x60<]{1,200})`;
// Spaces, at most one line break ("password:" at the end of a line, the value on the next).
// A key's value stops at ; and , (connection strings, lists).
const KEY_VALUE = String.raw`("[^"\n]{1,200}"|'[^'\n]{1,200}'|\x60[^\x60\n]{1,200}\x60|[^\s"'\x60<;,]{1,200})`;
const GAP = String.raw`[ \t]{0,20}(?:\r?\n[ \t>*•-]{0,20})?`;

/** Password words, in the languages MSP engineers write tickets in. */
const PW_WORD = String.raw`(?:pass(?:word|wd|wort|code|phrase|key)?|pwd|pw|pword|p\/w|kennwort|contrase[ñn]a|clave|senha|wachtwoord|mot de passe|mdp|parola|has[łl]o|l[öo]senord|salasana|passord|adgangskode|heslo|jelsz[óo]|пароль|[şs]ifre)s?`;

/** Words that introduce a value after a keyword ("password for jdoe IS …"), longest first. */
const INTRO = String.raw`(?:(?:(?:is|was|has been|have been|had been|got|been|were|are)\s{1,5})?(?:(?:re)?set|changed|updated|rotated|reset|chang(?:ed)?)\s{1,5}(?:to|as)|is now|are now|will be|should be|would be|is still|is|was|are|were|to|now|as|becomes|ist(?:\s{1,5}jetzt)?|lautet|war|wird|es|est|era|ser[áa]|sera|[ée]|être|wordt|werd|e)`;
/** A value never starts inside a word ("PWD - Granite-Tiger-47@" must not yield "-Tiger-47@" and leave "Granite"). */
const GLUED_NOT = String.raw`(?<![\p{L}\p{N}_])(?<![\p{L}\p{N}_][-.])`;
const SEP = String.raw`(?::|=|->|=>|:=|—|–|-(?=[ \t]))`;

/** Up to eight filler words between a keyword and its introducer ("password for the admin account is"). */
const FILLER = String.raw`(?:[ \t]{1,5}(?!${INTRO}${R})(?:"[^"\n]{1,40}"|[^\s:=;!?,"'\x60]{0,40}[^\s:=;!?,."'\x60])){0,8}`;

const PSK_WORD = String.raw`(?:wpa[23]?(?:[- ]?(?:psk|personal|key|passphrase|password))?|wi-?fi(?:[ \t]{1,3}(?:key|pass(?:word|phrase|code)?|psk|pw))?|wlan(?:[ \t]{1,3}(?:key|password))?|network[ \t]{1,3}(?:security[ \t]{1,3})?key|wireless[ \t]{1,3}(?:key|password|passphrase)|security[ \t]{1,3}key|key[ \t]{1,3}content|pre-?shared[ \t-]{1,3}(?:key|secret)|psk|shared[ \t]{1,3}secret|ipsec[ \t]{1,3}(?:key|secret|psk)|l2tp[ \t]{1,3}(?:key|secret|psk)|vpn[ \t]{1,3}(?:key|secret|psk|password)|radius[ \t]{1,3}secret|keymaterial|psksecret(?:[ \t]{1,3}ENC)?|(?:crypto[ \t]{1,3})?isakmp[ \t]{1,3}key(?:[ \t]{1,3}[0-9])?|pre-shared-key(?:[ \t]{1,3}[0-9])?)`;

const KEY_WORD = String.raw`(?:${L}(?:(?:api|app|client|consumer|access|secret|private|public|integration|auth|bearer|signing|master|service|license|licence|activation|subscription|webhook|rmm|psa)[ \t_-]{0,3})?(?:key|keys|secret|secrets|token|tokens|password|credential|credentials)${R}|${L}(?:client|app|api|consumer|account|integration)[ \t_-]{0,3}(?:id|sid)${R}|${L}(?:public|private)${R})`;
const ci = (src: string) => new RegExp(src, 'giu');

// ---- the detectors --------------------------------------------------------------------------

export const DETECTORS: Detector[] = [
  // ---------------- layer 1: known formats ----------------
  // Private key blocks (PEM, OpenSSH, PGP, encrypted PKCS#8), also when the END line was cut off; also with literal \n (JSON). gitleaks: private-key
  // Private key blocks (PEM, OpenSSH, PGP, encrypted PKCS#8, PuTTY), also when the END line was cut off and with
  // literal \n (JSON). A scan, not one regex: a lazy "anything up to END" regex is quadratic when END never comes. gitleaks: private-key
  {
    name: 'private-key-block',
    kind: 'private key',
    re: /(?!)/g,
    scan: scanPrivateKeys,
    probes: ['-----BEGIN RSA PRIVATE KEY-----', '-----BEGIN ', 'PRIVATE KEY-----', 'PuTTY-User-Key-File-2: ', '-----END RSA PRIVATE KEY-----'],
  },
  { name: 'age-secret-key', kind: 'private key', re: /\bAGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}\b/g, probes: ['AGE-SECRET-KEY-1'] },
  // JWTs: three base64url parts, the first two JSON objects. gitleaks: jwt
  { name: 'jwt', kind: 'token', re: /\beyJ[A-Za-z0-9_-]{8,2000}\.eyJ[A-Za-z0-9_-]{8,4000}\.[A-Za-z0-9_-]{8,1000}/g, probes: ['eyJhbGciOi.', 'eyJ', 'eyJabcdefghij.eyJ'] },
  // Authorization headers (Okta uses SSWS; Discord "Bot").
  {
    name: 'auth-header',
    kind: 'token',
    re: /\b(?:Bearer|Basic|Token|Digest|SSWS|Bot|ApiKey|Api-Key|OAuth)[ \t]{1,5}([A-Za-z0-9\-._~+/]{12,4000}=*)/g,
    group: 1,
    accept: (v) => /\d/.test(v) || /[a-z]/.test(v) && /[A-Z]/.test(v),
    probes: ['Bearer ', 'Basic aaaaaaaaaaaa', 'Bearer of '],
  },
  // AWS access key ids. gitleaks: aws-access-token
  { name: 'aws-access-key-id', kind: 'api key', re: /\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[A-Z0-9]{16}\b/g, probes: ['AKIA', 'AKIAAAAA '] },
  // AWS secret access key: 40 base64 characters near an access key id or the word "secret". gitleaks: aws-secret (generic + keyword)
  {
    name: 'aws-secret-near-key-id',
    kind: 'api key',
    re: /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g,
    accept: (v, m, ctx) => {
      if (!/[a-z]/.test(v) || !/[A-Z]/.test(v) || !/\d|\//.test(v)) return false;
      const around = ctx.text.slice(Math.max(0, m.index - 300), Math.min(ctx.text.length, m.index + 340));
      return /\b(?:A3T[A-Z0-9]|AKIA|ASIA)[A-Z0-9]{16}\b|secret|aws/i.test(around);
    },
    probes: ['AKIA', 'A'.repeat(39) + ' '],
  },
  // Google API key. gitleaks: gcp-api-key
  { name: 'gcp-api-key', kind: 'api key', re: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g, probes: ['AIza'] },
  // GitHub. gitleaks: github-pat, github-fine-grained-pat, github-oauth, github-app-token, github-refresh-token
  { name: 'github-token', kind: 'token', re: /\bgh[pousr]_[A-Za-z0-9]{36,255}\b/g, probes: ['ghp_'] },
  { name: 'github-fine-grained-pat', kind: 'token', re: /\bgithub_pat_[A-Za-z0-9_]{22,255}\b/g, probes: ['github_pat_'] },
  // GitLab: personal, deploy, runner, pipeline trigger, CI job, feed, incoming mail, OAuth, SCIM, agent tokens and runner registration. gitleaks: gitlab-*
  {
    name: 'gitlab-token',
    kind: 'token',
    re: /\b(?:glpat|gldt|glrt|glptt|glcbt|glft|glimt|glagent|gloas|glsoat|glffct|glswt)-[A-Za-z0-9_.-]{20,300}(?![A-Za-z0-9_-])|\bGR1348941[A-Za-z0-9_-]{20,300}\b/g,
    probes: ['glpat-', 'GR1348941'],
  },
  // Slack tokens and webhooks. gitleaks: slack-*-token, slack-webhook-url
  { name: 'slack-token', kind: 'token', re: /\bxox[abposrce]-[A-Za-z0-9-]{10,300}|\bxapp-\d-[A-Z0-9]{1,20}-\d{1,20}-[a-z0-9]{20,100}/g, probes: ['xoxb-', 'xapp-1-'] },
  { name: 'slack-webhook', kind: 'webhook', re: /https?:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/+-]{10,300}/gi, probes: ['https://hooks.slack.com/services/'] },
  // Microsoft Teams incoming webhooks (office.com connectors, Power Automate workflows). gitleaks: microsoft-teams-webhook
  {
    name: 'teams-webhook',
    kind: 'webhook',
    re: /https?:\/\/(?:[a-z0-9-]{1,63}\.)?(?:webhook\.office\.com|outlook\.office(?:365)?\.com)\/(?:webhook|webhookb2|IncomingWebhook)[A-Za-z0-9@/._~%=&?-]{10,600}/gi,
    probes: ['https://x.webhook.office.com/webhookb2/'],
  },
  {
    name: 'power-automate-webhook',
    kind: 'webhook',
    re: /https?:\/\/[a-z0-9.-]{1,100}\.(?:logic\.azure\.com|environment\.api\.powerplatform\.com)(?::\d{1,5})?\/[A-Za-z0-9@/._~%=&?:-]{10,800}/gi,
    probes: ['https://prod-00.westus.logic.azure.com:443/workflows/'],
  },
  // Discord webhooks and bot tokens. gitleaks: discord-*
  { name: 'discord-webhook', kind: 'webhook', re: /https?:\/\/(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/(?:v\d{1,2}\/)?webhooks\/\d{5,30}\/[A-Za-z0-9_-]{20,200}/gi, probes: ['https://discord.com/api/webhooks/'] },
  { name: 'discord-bot-token', kind: 'token', re: /\b[MNO][A-Za-z\d_-]{23,27}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,40}\b/g, probes: ['MTAxMjM0NTY3ODkwMTIzNDU2Nzg5.'] },
  // Stripe secret/restricted/publishable keys and webhook signing secrets. gitleaks: stripe-access-token
  { name: 'stripe-key', kind: 'api key', re: /\b(?:sk|rk|pk)_(?:live|test|prod)_[A-Za-z0-9]{10,255}\b|\bwhsec_[A-Za-z0-9+/=]{20,255}/g, probes: ['sk_live_', 'whsec_'] },
  // OpenAI / Anthropic. gitleaks: openai-api-key, anthropic-api-key
  { name: 'openai-anthropic-key', kind: 'api key', re: /\bsk-(?:ant-(?:api|admin)\d{2}-|proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,300}\b/g, probes: ['sk-ant-api03-', 'sk-'] },
  // SendGrid. gitleaks: sendgrid-api-token
  { name: 'sendgrid-key', kind: 'api key', re: /\bSG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}\b/g, probes: ['SG.'] },
  // Mailgun private/public keys and signing keys. gitleaks: mailgun-*
  {
    name: 'mailgun-key',
    kind: 'api key',
    re: /\b(?:key|pubkey)-[0-9a-f]{32}\b|\b[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8}\b/g,
    probes: ['key-', 'pubkey-0'],
  },
  // Mailchimp. gitleaks: mailchimp-api-key
  { name: 'mailchimp-key', kind: 'api key', re: /\b[0-9a-f]{32}-us\d{1,2}\b/g, probes: ['0123456789abcdef-us'] },
  // Twilio account SIDs and API key SIDs (the auth token / key secret next to them is caught by the pair rule). gitleaks: twilio-api-key
  { name: 'twilio-sid', kind: 'api key', re: /\b(?:AC|SK)[0-9a-f]{32}\b/g, probes: ['AC0123', 'SK0'] },
  // Atlassian API tokens (new format). gitleaks: atlassian-api-token
  { name: 'atlassian-token', kind: 'api key', re: /\bAT(?:ATT|CTT)3[A-Za-z0-9_\-=]{20,300}/g, probes: ['ATATT3'] },
  // npm, PyPI, RubyGems, NuGet, Hugging Face, Shopify, DigitalOcean, Postman, Linear, Vault, Grafana, New Relic, Sentry, Doppler, Dropbox, Square, Telegram, Databricks, PlanetScale, Pulumi, Terraform Cloud.
  {
    name: 'saas-prefixed-token',
    kind: 'api key',
    re: /\b(?:npm_[A-Za-z0-9]{36}|pypi-[A-Za-z0-9_-]{50,300}|rubygems_[0-9a-f]{48}|oy2[a-z0-9]{43}|hf_[A-Za-z]{34}|shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}|do[opr]_v1_[a-f0-9]{64}|PMAK-[a-f0-9]{24}-[a-f0-9]{34}|lin_(?:api|oauth)_[A-Za-z0-9]{40}|hv[sbr]\.[A-Za-z0-9_-]{24,300}|gl(?:sa|c)_[A-Za-z0-9_+/=-]{32,300}|NRAK-[A-Z0-9]{27}|sntr[ysu]_[A-Za-z0-9+/=_-]{30,300}|dp\.(?:pt|st|ct|sa|scim|audit)\.[A-Za-z0-9]{40,50}|sl\.[A-Za-z0-9_-]{130,160}|sq0(?:atp|csp)-[A-Za-z0-9_-]{22,60}|EAAA[A-Za-z0-9_-]{60}|dapi[a-f0-9]{32}(?:-\d)?|pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.=-]{32,64}|pul-[a-f0-9]{40}|[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70}|secret_[A-Za-z0-9]{43}|ntn_[A-Za-z0-9]{40,50}|xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}|key_[A-Za-z0-9]{32}|SK[A-Za-z0-9]{32}|dckr_pat_[A-Za-z0-9_-]{20,100})\b/g,
    probes: ['npm_', 'hf_', 'shpat_', 'dop_v1_', 'hvs.', 'glsa_', 'secret_'],
  },
  // ConnectWise API credentials before base64: company+publicKey:privateKey (the Basic auth user:password).
  { name: 'connectwise-credentials', kind: 'api key', re: /\b[A-Za-z0-9_]{2,40}\+[A-Za-z0-9]{16}:([A-Za-z0-9]{16})\b/g, group: 1, probes: ['acme+'] },
  // Telegram bot tokens. gitleaks: telegram-bot-api-token
  { name: 'telegram-bot-token', kind: 'token', re: /\b\d{8,10}:AA[A-Za-z0-9_-]{33}\b/g, probes: ['123456789:AA'] },
  // Azure AD (Entra) client secrets, current format: 3 chars, a digit, "Q~", 31–34 chars. gitleaks: azure-ad-client-secret
  { name: 'azure-ad-client-secret', kind: 'api key', re: /(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])/g, probes: ['abc8Q~', '8Q~'] },
  // Azure Storage / Service Bus / Event Hub / IoT connection strings, SAS tokens.
  {
    name: 'azure-connection-key',
    kind: 'connection string',
    re: /\b(?:AccountKey|SharedAccessKey|SharedSecret|SharedAccessSignature|PrimaryKey|SecondaryKey|AccessKey|SharedAccessKeyValue)[ \t]{0,5}=[ \t]{0,5}([A-Za-z0-9+/=%&:._-]{16,1000})/gi,
    group: 1,
    probes: ['AccountKey=', 'SharedAccessKey=;'],
  },
  { name: 'sas-signature', kind: 'token', re: /[?&;](?:sig|signature|X-Amz-Signature|X-Goog-Signature|X-Amz-Security-Token)=([A-Za-z0-9%+/=_.-]{16,2000})/gi, group: 1, probes: ['?sig=', '&sig=&sig='] },
  // Credentials inside URLs: scheme://user:password@host.
  {
    name: 'url-credentials',
    kind: 'connection string',
    re: /\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s:/@"'<>]{0,100}:([^\s@/"'<>]{1,200})@[A-Za-z0-9[]/gi,
    group: 1,
    probes: ['https://user:', 'mongodb://a:b', '://'],
  },
  // Secrets in a URL's query string.
  {
    name: 'url-query-secret',
    kind: 'token',
    re: /[?&](?:access_token|refresh_token|id_token|token|api[_-]?key|apikey|key|secret|client_secret|password|passwd|pwd|pass|auth|auth_token|code|signature|sv_token|private_token|session|sessionid|sid)=([^\s&#"'<>?=]{6,600}={0,2})/gi,
    group: 1,
    accept: (v, m) => {
      // "?key=value" with a plain word or number is a parameter, not a secret; tokens and passwords are secrets.
      const name = m[0].slice(1, m[0].indexOf('=')).toLowerCase();
      if (/pass|pwd|token|secret/.test(name)) return assignedPassword(v);
      return highEntropy(v, 10) || assignedKey(v);
    },
    probes: ['?token=', '&key=&key=', '?code='],
  },
  // BitLocker recovery keys: eight groups of six digits.
  { name: 'bitlocker-recovery-key', kind: 'recovery code', re: /(?<![\d-])\d{6}(?:[- ]\d{6}){7}(?![\d-])/g, probes: ['123456-', '123456 '] },
  // Windows (and Office) product keys: five groups of five.
  {
    name: 'product-key',
    kind: 'recovery code',
    re: /(?<![A-Za-z0-9-])[A-Za-z0-9]{5}(?:-[A-Za-z0-9]{5}){4}(?![A-Za-z0-9-])/g,
    accept: (v) => /\d/.test(v) && /[A-Za-z]/.test(v),
    probes: ['ABCDE-', 'AB1DE-AB1DE-'],
  },

  // ---------------- layer 2: keyword in context ----------------
  // Password=…; inside connection strings (ADO.NET, ODBC, JDBC properties, mount options).
  {
    name: 'connection-string-password',
    kind: 'connection string',
    re: ci(String.raw`${L}(?:password|passwd|pwd|pass|user password|db_?pass(?:word)?)[ \t]{0,5}=[ \t]{0,5}("[^"\n]{1,200}"|'[^'\n]{1,200}'|\{[^}\n]{1,200}\}|[^;,'"\s&]{1,200})`),
    group: 1,
    accept: (v) => assignedPassword(v.replace(/^\{|\}$/g, '')),
    probes: ['password=', 'Password=;Password='],
  },
  // XML: <password>X</password>, <keyMaterial>X</keyMaterial>, <add key="ApiKey" value="X" />.
  {
    name: 'xml-secret-element',
    kind: 'password',
    re: ci(String.raw`<([A-Za-z:_]{0,30}(?:password|passwd|pwd|secret|token|api_?key|apikey|keyMaterial|passphrase|psk|credential|connectionString)[A-Za-z_]{0,20})(?:\s[^>]{0,200})?>([^<\n]{1,300})</\1>`),
    group: 2,
    accept: (v) => assignedPassword(v),
    probes: ['<password>', '<keyMaterial>a</keyMaterial'],
  },
  {
    name: 'xml-secret-attribute',
    kind: 'api key',
    re: ci(String.raw`\b(?:key|name)[ \t]{0,3}=[ \t]{0,3}["'][A-Za-z0-9_.:-]{0,40}(?:password|passwd|pwd|secret|token|api_?key|apikey|auth|credential|psk)[A-Za-z0-9_.:-]{0,40}["'][ \t]{1,10}value[ \t]{0,3}=[ \t]{0,3}("[^"\n]{1,300}"|'[^'\n]{1,300}')`),
    group: 1,
    accept: (v) => assignedPassword(v),
    probes: ['<add key="ApiKey" value=', 'key="password" '],
  },
  // Generic assignments in JSON, YAML, INI, .env, HCL, PowerShell: a secret-named key, a separator, a value.
  {
    name: 'generic-assignment',
    kind: 'api key',
    re: ci(
      String.raw`(?<![A-Za-z0-9])([A-Za-z0-9_.-]{0,40}?(?:secret|passw(?:or)?d|passwd|pwd|token|api[_.-]?key|apikey|auth(?:[_.-]?(?:key|token|code))?|credentials?|private[_.-]?key|access[_.-]?key|signing[_.-]?key|encryption[_.-]?key|master[_.-]?key|account[_.-]?key|psk|passphrase|pass)[A-Za-z0-9_.-]{0,40})["'\]]?[ \t]{0,10}(?::=|=>|:|=|->)[ \t]{0,10}(?:\r?\n[ \t]{0,20})?(?:"|'|(?=[^\s"']))`,
    ),
    locate: (m, ctx) => assignmentValue(ctx.text, m.index + m[0].length, m[1] ?? ''),
    kindOf: (m) => (/pass|pwd/i.test(m[1] ?? '') ? 'password' : 'api key'),
    probes: ['secret=', 'token: ', '"api_key": ', 'password:password:'],
  },
  // PowerShell and cmd: ConvertTo-SecureString "…" -AsPlainText, net user name pass, net use … pass.
  {
    name: 'convertto-securestring',
    kind: 'password',
    re: /ConvertTo-SecureString(?:[ \t]{1,10}-(?:String|AsPlainText|Force)){0,3}[ \t]{1,10}("[^"\n]{1,200}"|'[^'\n]{1,200}'|[^\s$(-][^\s)]{0,200})/gi,
    group: 1,
    probes: ['ConvertTo-SecureString ', 'ConvertTo-SecureString -AsPlainText '],
  },
  {
    name: 'net-user',
    kind: 'password',
    re: /\bnet[ \t]{1,5}user[ \t]{1,5}(?:\/(?:add|domain)[ \t]{1,5})?("[^"\n]{1,100}"|[^\s/"]{1,100})[ \t]{1,5}(?!\/)("[^"\n]{1,200}"|'[^'\n]{1,200}'|[^\s*][^\s]{0,200})/gi,
    group: 2,
    accept: (v) => assignedPassword(v),
    probes: ['net user ', 'net user a '],
  },
  {
    name: 'net-use',
    kind: 'password',
    re: /\bnet[ \t]{1,5}use[ \t]{1,5}(?:[A-Za-z*]:[ \t]{1,5})?\\\\[^\s]{1,200}[ \t]{1,5}(?:\/user:[^\s]{1,100}[ \t]{1,5})?(?!\/)([^\s*][^\s]{0,200})/gi,
    group: 1,
    accept: (v) => assignedPassword(v),
    probes: ['net use \\\\a ', 'net use Z: \\\\'],
  },
  // Command-line flags: --password=X, --password X, -Password X, /pass:X, -pw X, /p:X (xfreerdp), -p X after a known tool.
  {
    name: 'password-flag',
    kind: 'password',
    re: ci(
      String.raw`(?:^|[\s"'(])(?:--?|\/)(?:[a-z]{1,20}[-_]?)?(?:password|passwd|passphrase|pass|pwd|pw|secret|psk|api[-_]?key|apikey|token|auth[-_]?token|access[-_]?token|client[-_]?secret|private[-_]?key|accountpassword|plainpassword|newpassword|rp)(?:[ \t]{1,10}|[=:])(?:[ \t]{0,5})("[^"\n]{1,200}"|'[^'\n]{1,200}'|[^\s"'$(\-][^\s]{0,200})`,
    ),
    group: 1,
    accept: (v, m) => {
      const flag = m[0].toLowerCase();
      if (/(?:key|token|secret|psk)(?:[ \t=:])/.test(flag) && !/pass|pwd|pw\b/.test(flag)) return !ordinaryShape(bare(unquote(v))) && assignedKey(v);
      return assignedPassword(v) && !/^(?:read-host|get-credential)$/i.test(bare(v));
    },
    probes: ['--password ', '-Password ', '/pass:', '--token=--token='],
  },
  {
    name: 'tool-short-p-flag',
    kind: 'password',
    re: /\b(?:sshpass|psexec(?:64)?(?:\.exe)?|paexec|mysql(?:dump|admin|import)?|mariadb(?:-dump)?|winexe|xfreerdp|wfreerdp|rdesktop|sqlcmd|osql|bcp|plink|pscp|smbmap|crackmapexec|nxc|impacket-[a-z]{1,20}|wmic|schtasks|ftp|lftp|vncviewer|ipmitool|racadm|redis-cli|mongosh|mongo)\b[^\n]{0,200}?(?:[ \t](?:-p|-P|-pw|\/p:|\/pass:|-a|\/RP)(?:[ \t]{1,5}|(?=[^\s-])))("[^"\n]{1,200}"|'[^'\n]{1,200}'|[^\s"'-][^\s]{0,200})/gi,
    group: 1,
    accept: (v, m) => assignedPassword(v) && !(/-p[ \t]/.test(m[0]) && /^\d{1,5}(?::\d{1,5})?$/.test(bare(v))),
    probes: ['psexec \\\\h -u a -p ', 'mysql -p', 'sshpass -p '],
  },
  // curl -u user:pass, smbclient -U user%pass, echo user:pass | chpasswd.
  {
    name: 'user-colon-pass-flag',
    kind: 'password',
    re: /(?:^|\s)(?:-u|--user|-U|--proxy-user|--username)[ \t=]{0,5}["']?[^\s:%'"]{1,100}[:%]([^\s'"]{1,200})/g,
    group: 1,
    accept: (v) => assignedPassword(v),
    probes: ['curl -u a:', '-U a%'],
  },
  // "-u user -p pass" on any command line (docker login, psexec, ftp clients…); a port after -p is not a password.
  {
    name: 'user-then-p-flag',
    kind: 'password',
    re: /(?:^|\s)(?:-u|--user(?:name)?)[ \t=]{1,5}[^\s]{1,100}[ \t]{1,5}(?:-p|--password|--pass)(?:[ \t=]{1,5}|(?=[^\s-]))("[^"\n]{1,200}"|'[^'\n]{1,200}'|[^\s"'-][^\s]{0,200})/g,
    group: 1,
    accept: (v) => assignedPassword(v) && !/^\d{1,5}(?::\d{1,5})?$/.test(bare(v)),
    probes: ['-u a -p ', '-u -u -u '],
  },
  { name: 'chpasswd', kind: 'password', re: /["']?[A-Za-z0-9._\\-]{1,64}:([^\s:'"]{1,200})["']?[ \t]{0,5}\|[ \t]{0,5}(?:sudo[ \t]{1,5})?chpasswd\b/g, group: 1, probes: ['a:b | chpasswd ', 'a:'] },
  // Environment variables: PGPASSWORD=X, MYSQL_PWD=X (also covered by generic-assignment; kept for the short ones).
  { name: 'env-password', kind: 'password', re: /\b(?:PGPASSWORD|MYSQL_PWD|SSHPASS|RCLONE_CONFIG_PASS|SA_PASSWORD|MSSQL_SA_PASSWORD)[ \t]{0,3}=[ \t]{0,3}("[^"\n]{1,200}"|'[^'\n]{1,200}'|[^\s;&]{1,200})/g, group: 1, probes: ['PGPASSWORD='] },
  // Wi-Fi / VPN pre-shared keys: "Wi-Fi key: X", "SSID Fab password X", "the PSK is X", "WPA2-PSK X", "<keyMaterial>".
  {
    name: 'psk',
    kind: 'pre-shared key',
    re: ci(String.raw`${L}${PSK_WORD}s?${R}(${FILLER})[ \t]{0,30}(?:(${SEP})|(${INTRO})${R})${GAP}${GLUED_NOT}${VALUE}`),
    group: 4,
    accept: (v, m) => (m[2] ? assignedPassword(v) : looksSecret(unquote(v)) || isQuoted(v)) && !fillerSaysMeta(m[1]),
    probes: ['wifi key ', 'PSK: ', 'SSID a b c d e f g h '],
  },
  {
    name: 'psk-bare',
    kind: 'pre-shared key',
    re: ci(String.raw`${L}${PSK_WORD}s?${R}[ \t]{1,5}${VALUE}`),
    group: 1,
    // A bare "Wi-Fi" or "WLAN" before a value names the network, not its key.
    accept: (v, m) => /key|pass|psk|secret|phrase|pw|material|content/i.test(m[0].slice(0, m[0].length - v.length)) && (isQuoted(v) ? assignedPassword(v) : strongSecret(v) || highEntropy(v, 12)),
    probes: ['psk psk ', 'wifi key '],
  },
  // "SSID "Fab-Guest", key "sunny-day-42"", "SSID FabGuest / pw X": the network name, then its key.
  {
    name: 'ssid-and-key',
    kind: 'pre-shared key',
    re: ci(String.raw`${L}(?:ssid|network|wlan)${R}[ \t]{0,3}[:=]?[ \t]{0,3}(?:"[^"\n]{1,64}"|'[^'\n]{1,64}'|[^\s,;/|]{1,64})[ \t]{0,3}[,;/|]?[ \t]{0,3}(?:(?:wpa[23]?[ \t-]{0,3})?(?:key|pass(?:word|phrase)?|pw|pwd|psk))${R}[ \t]{0,3}(?:${SEP}|is[ \t])?[ \t]{0,3}${VALUE}`),
    group: 1,
    accept: (v) => assignedPassword(v) && (isQuoted(v) || looksSecret(v) || bare(v).length >= 8),
    probes: ['SSID a, key ', 'ssid ssid '],
  },
  // MFA backup/recovery codes, one-time codes, PINs and door/alarm codes.
  {
    name: 'backup-codes',
    kind: 'recovery code',
    re: ci(
      String.raw`${L}(?:backup|recovery|scratch|emergency|mfa|2fa|two-factor|one-time|bypass)[ \t]{1,3}(?:codes?|keys?)${R}[^\n\w]{0,6}(?:(?:are|were|is)[ \t]{1,3})?[:\-]?[ \t]{0,5}(?:\r?\n[ \t]{0,10})?((?:(?:[\-*•]|\d{1,2}[.)])?[ \t]{0,3}(?:(?=[A-Za-z0-9-]{0,30}\d)[A-Za-z0-9]{4,12}(?:-[A-Za-z0-9]{3,12}){0,2}|[a-z]{4,6}-[a-z]{4,6})(?:[ \t,;|]{1,6}(?:and[ \t]{1,3})?|[ \t]{0,3}\r?\n[ \t]{0,6}|$)){1,20})`,
    ),
    group: 1,
    accept: (v) => /\d/.test(v),
    probes: ['backup codes: ', 'recovery codes\n1234 ', 'backup codes 12345 '],
  },
  {
    name: 'one-time-code',
    kind: 'recovery code',
    re: ci(
      String.raw`${L}(?:(?:one[- ]?time|verification|verify|security|otp|mfa|2fa|totp|sms|text|authenticator|sign[- ]?in|login|auth(?:entication)?|confirmation|access|alarm|door|gate|keypad|lockbox|safe|entry|disarm|voicemail|vm)[ \t]{1,3}(?:pass)?(?:code|pin|number)|otp|passcode|pin(?:[ \t]{1,3}(?:code|number))?)s?${R}(${FILLER})[ \t]{0,5}(?:${SEP}|(?:${INTRO})${R})?[ \t]{0,5}(?<![\p{L}\p{N}_-])(\d{4,10}(?:[- ]\d{2,6})?|(?=[A-Z]{0,8}\d)[A-Z0-9]{5,10})(?![\w-])`,
    ),
    group: 2,
    accept: (v, m) => !fillerSaysMeta(m[1]) && !/^\d{1,4}[-/]\d{1,2}[-/]\d{1,4}$/.test(v) && !/^(?:19|20)\d{2}$/.test(v) && (m[1] ?? '').trim().split(/\s+/).filter(Boolean).length <= 4,
    probes: ['PIN ', 'one-time code ', 'otp otp '],
  },
  // "the code from the text message was 739201": a bare "code" counts only next to MFA/SMS words.
  {
    name: 'code-in-context',
    kind: 'recovery code',
    re: ci(String.raw`${L}codes?${R}(${FILLER})[ \t]{0,5}(?:${SEP}|(?:${INTRO})${R})[ \t]{0,5}(?<![\p{L}\p{N}_-])(\d{4,10})(?![\w-])`),
    group: 2,
    accept: (_v, m, ctx) => {
      const around = ctx.text.slice(Math.max(0, m.index - 80), m.index + m[0].length + 40);
      return !fillerSaysMeta(m[1]) && /\b(?:text(?:ed)?|sms|message|authenticator|verification|verify|mfa|2fa|two-factor|one-time|otp|sign[- ]?in|log[- ]?in|duo|okta|microsoft|google|phone)\b/i.test(around) && !/\b(?:error|event|exit|status|stop|http|response)\b/i.test(around);
    },
    probes: ['code code code ', 'code is 1234 '],
  },
  {
    name: 'code-in-context-bare',
    kind: 'recovery code',
    re: ci(String.raw`${L}code${R}[ \t]{1,3}(\d{4,10})(?![\w-])`),
    group: 1,
    accept: (_v, m, ctx) => {
      const around = ctx.text.slice(Math.max(0, m.index - 80), m.index + m[0].length + 40);
      return /\b(?:text(?:ed)?|sms|message|authenticator|verification|verify|mfa|2fa|two-factor|one-time|otp|sign[- ]?in|log[- ]?in|duo|okta)\b/i.test(around) && !/\b(?:error|event|exit|status|stop|http|response|zip|area|postal)\b/i.test(around);
    },
    probes: ['code code ', 'code 1234 '],
  },
  // "password: X", "pw = X", "password for the admin account is X", "Temporary password given to Maria by phone: X",
  // "la contraseña es X", "Passwort ist X", the value on the next line.
  {
    name: 'password-in-prose',
    kind: 'password',
    re: ci(String.raw`${L}${PW_WORD}${R},?(${FILLER})[ \t]{0,30}(?:(${SEP})|(${INTRO})${R})${GAP}(?:(?:now|still|temporarily|again|to)[ \t]{1,3})?${GLUED_NOT}${VALUE}`),
    group: 4,
    accept: (v, m) => {
      if (fillerSaysMeta(m[1])) return false;
      if (m[2]) return assignedPassword(v);
      return isQuoted(v) ? assignedPassword(v) : looksSecret(v) || plainWordPassword(v, m);
    },
    probes: ['password for ', 'password: ', 'pw pw pw ', 'password a b c d e f g h is '],
  },
  // A label further away: "Temporary password given to Maria by phone: X" (any words, then ":" or "=").
  {
    name: 'password-label-far',
    kind: 'password',
    re: ci(String.raw`${L}${PW_WORD}${R}((?:[ \t]{1,5}[^\s:=;!?,"'\x60]{0,40}[^\s:=;!?,."'\x60]){1,8})[ \t]{0,30}(?::|=)${GAP}${VALUE}`),
    group: 2,
    accept: (v, m) => !fillerSaysMeta(m[1]) && assignedPassword(v) && (isQuoted(v) || looksSecret(v)),
    probes: ['password a b c d e f g h i ', 'password to to to '],
  },
  // No introducer at all: "password Zebra-Horse-42!", "new pass X", "temp pw X". Stricter value.
  {
    name: 'password-bare',
    kind: 'password',
    re: ci(String.raw`${L}${PW_WORD}${R}[ \t]{1,5}${VALUE}`),
    group: 1,
    accept: (v) => isQuoted(v) ? assignedPassword(v) : strongSecret(v),
    probes: ['password ', 'pass pass '],
  },
  // Credentials written as user and password together: "creds are jdoe / X", "login jdoe X", "u/p: jdoe:X".
  {
    name: 'user-and-password',
    kind: 'password',
    re: ci(
      String.raw`${L}(?:creds|credentials|cred|login|logon|log[- ]?in|sign[- ]?in|account|acct|user(?:name)?|u\/p|user\/pass(?:word)?|username\/password|local admin|admin|wi-?fi|wlan|ssid|guest network)(?:[ \t]{1,3}(?:info|information|details|creds|credentials))?${R}[ \t]{0,5}(?:(?:are|is|was|were|for[ \t]{1,3}[^\s]{1,60})[ \t]{1,5})?(?:${SEP}[ \t]{0,5})?(?:${GAP})["']?([^\s/\\|,:;%'"]{2,100})["']?([ \t]{0,5}(?:[/\\|,:;%]|[ \t])[ \t]{0,5})(?:(?:pass(?:word)?|pw|pwd)${R}[ \t]{0,3}[:=]?[ \t]{0,3})?${GLUED_NOT}${VALUE}`,
    ),
    group: 3,
    accept: (v, m) => {
      if (ordinaryShape(bare(m[1] ?? '')) || /[.!?]$/.test(m[1] ?? '')) return false;
      if (m[2] && /^[ \t]+[/\\]$/.test(m[2])) return false; // "jdoe /active:yes" is a command switch
      return m[2] && /[/\\|:%]/.test(m[2]) ? looksSecret(v) || isQuoted(v) : strongSecret(v);
    },
    probes: ['login: ', 'creds are a / ', 'login:login:', 'user a b '],
  },

  // ---------------- layer 3: entropy next to a keyword ----------------
  // "API key X", "the client secret is X", "Datto API secret: X", "NinjaOne client id X", "ConnectWise private key X",
  // "Twilio auth token X", "Okta token X": a random-looking value within a few words after a key/secret/token word.
  {
    name: 'keyword-high-entropy',
    kind: 'api key',
    re: ci(String.raw`${KEY_WORD}(${FILLER})[ \t]{0,30}(?:(${SEP})|(${INTRO})${R})${GAP}${GLUED_NOT}${KEY_VALUE}`),
    group: 4,
    accept: (v, m) => keyValueAccept(v, m, true),
    probes: ['api key ', 'secret: ', 'token token token ', 'client id a b c d is '],
  },
  {
    name: 'keyword-high-entropy-bare',
    kind: 'api key',
    re: ci(String.raw`${KEY_WORD}()()()[ \t]{1,5}${KEY_VALUE}`),
    group: 4,
    accept: (v, m) => keyValueAccept(v, m, false),
    probes: ['api key ', 'secret secret ', 'private key '],
  },
];

function keyValueAccept(v: string, m: RegExpExecArray, introduced: boolean): boolean {
  const kw = m[0].slice(0, 40).toLowerCase();
  const value = bare(unquote(v));
  if (fillerSaysHash(m[1]) || fillerSaysMeta(m[1]) || /\b(?:id|identifier|name|type|guid|index)\b/i.test(m[1] ?? '')) return false;
  const isGuid = /^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i.test(value);
  // An id (client id, app id) is a secret only when it is random-looking and not a GUID.
  if (isGuid) return introduced && /key|secret|token|password/.test(kw) && !/\b(?:client|app|api|account)[ _-]{0,3}(?:id|sid)\b/.test(kw);
  if (introduced) return highEntropy(value, 12) || (value.length >= 10 && /\d/.test(value) && /[A-Za-z]/.test(value) && !ordinaryShape(value) && entropy(value) >= 2.8);
  return highEntropy(value, 16) || (value.length >= 12 && /\d/.test(value) && /[a-z]/.test(value) && /[A-Z]/.test(value) && entropy(value) >= 3);
}

const KEY_BEGIN = /-----BEGIN[ A-Z0-9_-]{0,40}PRIVATE KEY(?: BLOCK)?-----|PuTTY-User-Key-File-\d: /g;
const PEM_END = /-----END[ A-Z0-9_-]{0,40}PRIVATE KEY(?: BLOCK)?-----/g;
const PUTTY_END = /Private-MAC: [0-9a-f]{1,128}/g;
const KEY_BODY = /(?:[A-Za-z0-9+/=:,.\- \t\r\n]|\\n){0,20000}/y;

/** Linear: END markers are searched forward only once (each search resumes after the last), bodies are consumed. */
export function scanPrivateKeys(text: string): [number, number][] {
  const out: [number, number][] = [];
  const next: Record<'pem' | 'putty', { at: number; end: number } | null | undefined> = { pem: undefined, putty: undefined };
  const findEnd = (kind: 'pem' | 'putty', from: number) => {
    const cached = next[kind];
    if (cached === null) return null; // none left in the text
    if (cached && cached.at >= from) return cached;
    const re = kind === 'pem' ? PEM_END : PUTTY_END;
    re.lastIndex = Math.max(from, cached ? cached.end : 0);
    const m = re.exec(text);
    next[kind] = m ? { at: m.index, end: m.index + m[0].length } : null;
    return next[kind];
  };
  KEY_BEGIN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = KEY_BEGIN.exec(text))) {
    const start = m.index;
    const end = findEnd(m[0].startsWith('PuTTY') ? 'putty' : 'pem', KEY_BEGIN.lastIndex);
    const nextBegin = text.indexOf(m[0].startsWith('PuTTY') ? 'PuTTY-User-Key-File-' : '-----BEGIN', KEY_BEGIN.lastIndex);
    let stop: number;
    if (end && (nextBegin < 0 || end.at < nextBegin || end.at - start < 20000)) stop = end.end;
    else {
      KEY_BODY.lastIndex = KEY_BEGIN.lastIndex;
      KEY_BODY.exec(text);
      stop = Math.max(KEY_BODY.lastIndex, KEY_BEGIN.lastIndex);
    }
    out.push([start, stop]);
    KEY_BEGIN.lastIndex = stop;
  }
  return out;
}

/** Filler words that turn "password … :" into a statement about passwords, not a password. */
/**
 * "the password for the admin account is sunflower.": a plain lowercase word, introduced ("is", "was changed
 * to"), that ends the sentence or the line, is a password unless it reads as a description of one
 * ("expired", "in the vault", "case sensitive", "printed on the label", "somewhere").
 */
function plainWordPassword(value: string, m: RegExpExecArray): boolean {
  const v = bare(value);
  if (!/^[a-z]{5,30}$/.test(v) || NOT_A_PASSWORD.has(v) || DESCRIBES_A_PASSWORD.has(v)) return false;
  if (/(?:ed|en|ing|ly|ble|ive|ful|ous|al|ent|ant|ary|ory|ic|less|ise|ize|where|thing|one|body)$/.test(v)) return false;
  const after = m.input.slice(m.index + m[0].length, m.index + m[0].length + 3);
  return /^(?:$|[.!;,)](?:\s|$)|\r?\n)/.test(after);
}

const DESCRIBES_A_PASSWORD = new Set(
  `admin administrator default unique random generic standard common private public shared personal local domain global
  visible readable guessable obvious easy hard tricky lowercase uppercase numeric alphanumeric plaintext cleartext clear
  there here elsewhere anywhere somewhere nowhere available unavailable inside outside attached below above listed noted
  pending active inactive current previous original initial final usual normal right fixed known`.split(/\s+/).filter(Boolean),
);

function fillerSaysMeta(filler: string | undefined): boolean {
  return !!filler && /\b(?:policy|policies|length|age|expir\w*|history|complexity|requirements?|rules?|hint|last|manager|field|prompt|reset|change|changed|resets|attempts?|count|lockout|minimum|maximum|min|max|strength|sync|writeback|protected|hash|hashes|format|type|column|label|spray|spraying|audit)\b/i.test(filler);
}

function fillerSaysHash(filler: string | undefined): boolean {
  return !!filler && /\b(?:hash|sha-?\d{0,3}|md5|checksum|thumbprint|fingerprint)\b/i.test(filler);
}

/**
 * The value of a generic assignment (the regex finds `name: ` / `"name": "` / `NAME=`), read here so
 * JSON, YAML, INI, .env and PowerShell quoting all work; returns [start, end) of the value, or null.
 */
export function assignmentValue(text: string, at: number, name: string): [number, number] | null {
  const q = text[at - 1];
  const start = at;
  let end: number;
  if (q === '"' || q === "'") {
    const close = text.indexOf(q, at);
    const nl = text.indexOf('\n', at);
    if (close < 0 || (nl >= 0 && nl < close) || close - at > 500) return null;
    end = close;
  } else {
    let i = at;
    const limit = Math.min(text.length, at + 300);
    while (i < limit && !/[\s,;}\]<"']/.test(text[i]!)) i++;
    end = i;
    while (end > start && /[.)]/.test(text[end - 1]!)) end--;
  }
  if (end <= start) return null;
  const value = text.slice(start, end);
  const lower = name.toLowerCase();
  if (/(?:^|[._-])(?:len|length|ttl|expir\w*|expires?|age|timeout|url|uri|endpoint|path|file|dir|type|name|id|hash|header|count|rotation|policy|version|enabled)$|_at$|(?:file|path|url|uri|name|type|header)[._-]?|^auth(?:or|entication)?(?:[._-]?(?:mode|method|type|provider|scheme|url|server))$|(?:^|[._-])(?:hash|sha\d*|md5)/.test(lower) && !/(?:secret|password|pass|pwd)$/.test(lower)) return null;
  const passwordish = /pass|pwd|psk|phrase/.test(lower);
  const ok = passwordish ? assignedPassword(q === '"' || q === "'" ? q + value + q : value) : assignedKey(value);
  return ok ? [start, end] : null;
}
