// The options page's state: API address and sign-in, the ConnectWise connection, account preferences, on-premise hosts.
import { signal } from '@preact/signals';
import { browser } from 'wxt/browser';
import type { PsaConnectionView } from '../common/api-types';
import type { NoteFormat } from '../../../shared/notes';
import { apiOriginPattern, DEFAULT_API_ORIGINS, onPremMatchPattern } from '../common/hosts';
import { callApi, sendMessage, type AccountState, type CallApi, type CallResult, type SignInRequest } from '../common/protocol';
import { onPremHostsItem } from '../common/storage';

export type Feedback = { kind: 'ok' | 'error' | 'busy'; text: string } | null;

export interface OptionsDeps {
  call: CallApi;
  accountState: () => Promise<AccountState>;
  signIn: (req: SignInRequest) => Promise<CallResult<AccountState>>;
  signOut: () => Promise<AccountState>;
  requestOrigins: (origins: string[]) => Promise<boolean>;
  applyOnPremHosts: () => Promise<{ patterns: string[] }>;
  openWorkspace: () => void;
}

export function defaultOptionsDeps(): OptionsDeps {
  return {
    call: callApi,
    accountState: () => sendMessage('accountState'),
    signIn: (req) => sendMessage('signIn', req),
    signOut: () => sendMessage('signOut'),
    requestOrigins: (origins) => browser.permissions.request({ origins }),
    applyOnPremHosts: () => sendMessage('applyOnPremHosts'),
    openWorkspace: () => void sendMessage('openWorkspace'),
  };
}

/** What the form accepts as a ConnectWise site: a bare host, or a full origin with scheme and port. */
export function validateSite(site: string): string | null {
  const s = site.trim();
  if (!s) return 'Enter the ConnectWise site, e.g. na.myconnectwise.net.';
  if (/^https?:\/\//i.test(s)) {
    try {
      new URL(s);
      return null;
    } catch {
      return 'That address is not a valid URL.';
    }
  }
  return /^[a-z0-9.-]+(:\d+)?$/i.test(s) ? null : 'Use a host name (na.myconnectwise.net) or an origin (https://cw.example.com:8443).';
}

interface PsaForm {
  site: string;
  companyId: string;
  publicKey: string;
  privateKey: string;
  clientId: string;
}

interface PrefsForm {
  noteFormat: NoteFormat;
  internal: boolean;
  resolution: boolean;
  patterns: string;
  words: string;
  fastModel: string;
  deepModel: string;
}

function readPsa(c: PsaConnectionView | null): { form: Partial<PsaForm>; hasPrivateKey: boolean } {
  if (!c) return { form: { site: '', companyId: '', publicKey: '', clientId: '' }, hasPrivateKey: false };
  return { form: { site: c.site, companyId: c.companyId, publicKey: c.publicKey, clientId: c.clientId }, hasPrivateKey: c.privateKeySet };
}

export function createOptionsModel(deps: OptionsDeps = defaultOptionsDeps()) {
  const account = signal<AccountState | null>(null);
  const apiBase = signal('');
  const email = signal('');
  const password = signal('');
  const registerMode = signal(false);
  const accountName = signal('');
  const name = signal('');
  const authFeedback = signal<Feedback>(null);

  const psa = signal<PsaForm>({ site: '', companyId: '', publicKey: '', privateKey: '', clientId: '' });
  const psaHasKey = signal(false);
  const psaErrors = signal<Partial<Record<keyof PsaForm, string>>>({});
  const psaFeedback = signal<Feedback>(null);
  const testFeedback = signal<Feedback>(null);

  const prefs = signal<PrefsForm>({ noteFormat: 'text', internal: true, resolution: false, patterns: '', words: '', fastModel: '', deepModel: '' });
  const prefsFeedback = signal<Feedback>(null);

  const hosts = signal('');
  const hostsFeedback = signal<Feedback>(null);

  async function init() {
    account.value = await deps.accountState();
    apiBase.value = account.value.apiBase;
    email.value = account.value.user?.email ?? '';
    hosts.value = (await onPremHostsItem.getValue()).map((p) => p.replace(/^\*:\/\//, '').replace(/\/\*$/, '')).join('\n');
    if (account.value.signedIn) await loadRemote();
  }

  async function loadRemote() {
    const [p, s] = await Promise.all([deps.call('getPsa', undefined), deps.call('getSettings', undefined)]);
    if (p.ok) {
      const { form, hasPrivateKey } = readPsa(p.data.connection);
      psa.value = { ...psa.value, ...form, privateKey: '' };
      psaHasKey.value = hasPrivateKey && Boolean(form.site);
    } else if (!p.queued && p.error.status !== 404) psaFeedback.value = { kind: 'error', text: `Could not load the connection: ${p.error.message}` };
    if (s.ok) {
      // The API answers the stored settings merged over its defaults: every field is there.
      const st = s.data.settings;
      prefs.value = {
        noteFormat: st.noteFormat,
        internal: st.noteDefaults.internal,
        resolution: st.noteDefaults.resolution,
        patterns: st.redaction.patterns.join('\n'),
        words: st.redaction.words.join('\n'),
        fastModel: st.ai.fastModel,
        deepModel: st.ai.deepModel,
      };
    }
  }

  async function signIn() {
    const pattern = apiOriginPattern(apiBase.value.trim());
    if (!pattern) {
      authFeedback.value = { kind: 'error', text: 'The API address must be an http(s) URL, e.g. http://127.0.0.1:8787.' };
      return;
    }
    if (!email.value.trim() || !password.value) {
      authFeedback.value = { kind: 'error', text: 'Enter your email and password.' };
      return;
    }
    // A hosted API needs its origin granted; the local default is granted at install.
    if (!DEFAULT_API_ORIGINS.includes(pattern) && !(await deps.requestOrigins([pattern]).catch(() => false))) {
      authFeedback.value = { kind: 'error', text: `FlowPilot needs permission to reach ${apiBase.value}.` };
      return;
    }
    authFeedback.value = { kind: 'busy', text: 'Signing in…' };
    const r = await deps.signIn({
      apiBase: apiBase.value.trim(),
      email: email.value.trim(),
      password: password.value,
      register: registerMode.value ? { accountName: accountName.value.trim(), name: name.value.trim() } : undefined,
    });
    if (r.ok) {
      account.value = r.data;
      password.value = '';
      authFeedback.value = { kind: 'ok', text: `Signed in as ${r.data.user?.email ?? email.value}.` };
      await loadRemote();
    } else authFeedback.value = { kind: 'error', text: r.queued ? 'Queued' : r.error.message };
  }

  async function signOut() {
    account.value = await deps.signOut();
    authFeedback.value = { kind: 'ok', text: 'Signed out.' };
  }

  function validatePsa(): boolean {
    const f = psa.value;
    const errors: Partial<Record<keyof PsaForm, string>> = {};
    const siteError = validateSite(f.site);
    if (siteError) errors.site = siteError;
    if (!f.companyId.trim()) errors.companyId = 'Required.';
    if (!f.publicKey.trim()) errors.publicKey = 'Required.';
    if (!f.privateKey.trim() && !psaHasKey.value) errors.privateKey = 'Required.';
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(f.clientId.trim())) errors.clientId = 'The clientId is a GUID from developer.connectwise.com.';
    psaErrors.value = errors;
    return Object.keys(errors).length === 0;
  }

  async function savePsa(): Promise<boolean> {
    testFeedback.value = null;
    if (!validatePsa()) {
      psaFeedback.value = { kind: 'error', text: 'Fix the highlighted fields.' };
      return false;
    }
    const f = psa.value;
    psaFeedback.value = { kind: 'busy', text: 'Saving…' };
    const r = await deps.call('putPsa', {
      site: f.site.trim(),
      companyId: f.companyId.trim(),
      publicKey: f.publicKey.trim(),
      clientId: f.clientId.trim(),
      ...(f.privateKey.trim() ? { privateKey: f.privateKey.trim() } : {}),
    });
    if (r.ok) {
      psaHasKey.value = true;
      psa.value = { ...f, privateKey: '' };
      psaFeedback.value = { kind: 'ok', text: 'Connection saved.' };
      return true;
    }
    psaFeedback.value = { kind: 'error', text: `Not saved: ${r.queued ? 'the API is unreachable' : r.error.message}` };
    return false;
  }

  async function testPsa() {
    testFeedback.value = { kind: 'busy', text: 'Testing the connection…' };
    const r = await deps.call('testPsa', undefined);
    if (r.ok) {
      // A refused connection is an error answer (below); a success names ConnectWise's version.
      const version = r.data.version;
      testFeedback.value = { kind: 'ok', text: `Connection OK${version ? ` — ConnectWise ${version}` : ''}.` };
    } else testFeedback.value = { kind: 'error', text: `Connection failed: ${r.queued ? 'the API is unreachable' : r.error.message}` };
  }

  async function savePrefs() {
    const p = prefs.value;
    const lines = (s: string) => s.split('\n').map((l) => l.trim()).filter(Boolean);
    for (const src of lines(p.patterns)) {
      try {
        new RegExp(src, 'giu');
      } catch {
        prefsFeedback.value = { kind: 'error', text: `Not a valid regular expression: ${src}` };
        return;
      }
    }
    prefsFeedback.value = { kind: 'busy', text: 'Saving…' };
    const r = await deps.call('putSettings', {
      noteFormat: p.noteFormat,
      noteDefaults: { internal: p.internal, resolution: p.resolution },
      redaction: { patterns: lines(p.patterns), words: lines(p.words) },
      ...(p.fastModel.trim() || p.deepModel.trim()
        ? { ai: { ...(p.fastModel.trim() ? { fastModel: p.fastModel.trim() } : {}), ...(p.deepModel.trim() ? { deepModel: p.deepModel.trim() } : {}) } }
        : {}),
    });
    prefsFeedback.value = r.ok ? { kind: 'ok', text: 'Preferences saved.' } : { kind: 'error', text: `Not saved: ${r.queued ? 'queued' : r.error.message}` };
  }

  async function saveHosts() {
    const patterns: string[] = [];
    for (const line of hosts.value.split('\n').map((l) => l.trim()).filter(Boolean)) {
      const p = onPremMatchPattern(line);
      if (!p) {
        hostsFeedback.value = { kind: 'error', text: `Not a host name: ${line}` };
        return;
      }
      patterns.push(p);
    }
    if (patterns.length && !(await deps.requestOrigins(patterns).catch(() => false))) {
      hostsFeedback.value = { kind: 'error', text: 'Permission for those hosts was not granted.' };
      return;
    }
    await onPremHostsItem.setValue(patterns);
    const { patterns: active } = await deps.applyOnPremHosts();
    hostsFeedback.value = { kind: 'ok', text: active.length ? `FlowPilot now runs on ${active.length} on-premise host(s).` : 'No on-premise hosts.' };
  }

  return {
    account,
    apiBase,
    email,
    password,
    registerMode,
    accountName,
    name,
    authFeedback,
    psa,
    psaHasKey,
    psaErrors,
    psaFeedback,
    testFeedback,
    prefs,
    prefsFeedback,
    hosts,
    hostsFeedback,
    init,
    signIn,
    signOut,
    savePsa,
    testPsa,
    savePrefs,
    saveHosts,
    openWorkspace: deps.openWorkspace,
  };
}

export type OptionsModel = ReturnType<typeof createOptionsModel>;
