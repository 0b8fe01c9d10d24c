// The options page: API and sign-in, ConnectWise connection with a test button, note and AI preferences, on-premise hosts.
import type { Signal } from '@preact/signals';
import { useEffect, useMemo } from 'preact/hooks';
import { createOptionsModel, type Feedback } from '../lib/pages/options-model';

function Msg({ f, id }: { f: Signal<Feedback>; id: string }) {
  const v = f.value;
  if (!v) return null;
  return (
    <p class={v.kind === 'error' ? 'error' : v.kind === 'ok' ? 'ok' : 'muted'} role={v.kind === 'error' ? 'alert' : 'status'} data-fp={id}>
      {v.text}
    </p>
  );
}

export function OptionsApp() {
  const m = useMemo(() => createOptionsModel(), []);
  useEffect(() => void m.init(), []);
  const signedIn = m.account.value?.signedIn === true;
  const psa = m.psa.value;
  const errs = m.psaErrors.value;
  const setPsa = (k: keyof typeof psa) => (e: Event) => (m.psa.value = { ...m.psa.value, [k]: (e.currentTarget as HTMLInputElement).value });
  const prefs = m.prefs.value;
  const setPref = <K extends keyof typeof prefs>(k: K, v: (typeof prefs)[K]) => (m.prefs.value = { ...m.prefs.value, [k]: v });
  return (
    <main class="page options">
      <h1>FlowPilot options</h1>
      <section class="card" data-fp="opt-account">
        <h2>FlowPilot API</h2>
        <label class="field">
          API address
          <input value={m.apiBase.value} onInput={(e) => (m.apiBase.value = e.currentTarget.value)} name="apiBase" />
        </label>
        {signedIn ? (
          <div class="row">
            <span data-fp="opt-signed-in">
              Signed in as <strong>{m.account.value?.user?.email}</strong>
            </span>
            <button onClick={() => void m.signOut()}>Sign out</button>
            <button class="link" onClick={m.openWorkspace} data-fp="opt-workspace">
              Open the workspace (flows and editor)
            </button>
          </div>
        ) : (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void m.signIn();
            }}
          >
            <label class="field">
              Email
              <input type="email" value={m.email.value} onInput={(e) => (m.email.value = e.currentTarget.value)} name="email" autocomplete="username" />
            </label>
            <label class="field">
              Password
              <input type="password" value={m.password.value} onInput={(e) => (m.password.value = e.currentTarget.value)} name="password" autocomplete="current-password" />
            </label>
            {m.registerMode.value && (
              <>
                <label class="field">
                  Your name
                  <input value={m.name.value} onInput={(e) => (m.name.value = e.currentTarget.value)} name="name" />
                </label>
                <label class="field">
                  Company (account)
                  <input value={m.accountName.value} onInput={(e) => (m.accountName.value = e.currentTarget.value)} name="accountName" />
                </label>
              </>
            )}
            <div class="row">
              <button class="primary" type="submit" data-fp="opt-sign-in">
                {m.registerMode.value ? 'Create account' : 'Sign in'}
              </button>
              <button type="button" class="link" onClick={() => (m.registerMode.value = !m.registerMode.value)}>
                {m.registerMode.value ? 'I have an account' : 'Create an account'}
              </button>
            </div>
          </form>
        )}
        <Msg f={m.authFeedback} id="opt-auth-msg" />
      </section>

      {signedIn && (
        <>
          <section class="card" data-fp="opt-psa">
            <h2>ConnectWise connection</h2>
            <form
              onSubmit={(e) => {
                e.preventDefault();
                void m.savePsa();
              }}
            >
              {(
                [
                  ['site', 'Site', 'na.myconnectwise.net or https://cw.example.com'],
                  ['companyId', 'Company id', 'yourcompany'],
                  ['publicKey', 'Public key', ''],
                  ['privateKey', 'Private key', m.psaHasKey.value ? 'Saved — leave empty to keep' : ''],
                  ['clientId', 'Client id', '00000000-0000-0000-0000-000000000000'],
                ] as const
              ).map(([key, label, placeholder]) => (
                <label class="field" key={key}>
                  {label}
                  <span>
                    <input
                      name={key}
                      type={key === 'privateKey' ? 'password' : 'text'}
                      autocomplete="off"
                      placeholder={placeholder}
                      value={psa[key]}
                      onInput={setPsa(key)}
                      aria-invalid={errs[key] ? 'true' : 'false'}
                      style={{ width: '100%' }}
                    />
                    {errs[key] && <span class="error hint">{errs[key]}</span>}
                  </span>
                </label>
              ))}
              <div class="row">
                <button class="primary" type="submit" data-fp="opt-psa-save">
                  Save connection
                </button>
                <button type="button" onClick={() => void m.testPsa()} data-fp="opt-psa-test">
                  Test connection
                </button>
              </div>
            </form>
            <Msg f={m.psaFeedback} id="opt-psa-msg" />
            <Msg f={m.testFeedback} id="opt-psa-test-msg" />
          </section>

          <section class="card" data-fp="opt-prefs">
            <h2>Notes, redaction and AI</h2>
            <label class="field">
              Note format
              <select value={prefs.noteFormat} onChange={(e) => setPref('noteFormat', e.currentTarget.value as typeof prefs.noteFormat)}>
                <option value="text">Plain text</option>
                <option value="markdown">Markdown</option>
                <option value="html">HTML</option>
              </select>
            </label>
            <label class="field">
              Post as
              <span>
                <label>
                  <input type="checkbox" checked={prefs.internal} onChange={(e) => setPref('internal', e.currentTarget.checked)} /> internal note
                </label>{' '}
                <label>
                  <input type="checkbox" checked={prefs.resolution} onChange={(e) => setPref('resolution', e.currentTarget.checked)} /> resolution
                </label>
              </span>
            </label>
            <label class="field">
              Redaction patterns
              <textarea rows={3} placeholder="One regular expression per line" value={prefs.patterns} onInput={(e) => setPref('patterns', e.currentTarget.value)} />
            </label>
            <label class="field">
              Redacted words
              <textarea rows={3} placeholder="One word or phrase per line" value={prefs.words} onInput={(e) => setPref('words', e.currentTarget.value)} />
            </label>
            <label class="field">
              Fast model
              <input value={prefs.fastModel} onInput={(e) => setPref('fastModel', e.currentTarget.value)} />
            </label>
            <label class="field">
              Deep model
              <input value={prefs.deepModel} onInput={(e) => setPref('deepModel', e.currentTarget.value)} />
            </label>
            <button class="primary" onClick={() => void m.savePrefs()}>
              Save preferences
            </button>
            <Msg f={m.prefsFeedback} id="opt-prefs-msg" />
          </section>
        </>
      )}

      <section class="card" data-fp="opt-hosts">
        <h2>On-premise ConnectWise hosts</h2>
        <p class="hint">Cloud hosts (*.myconnectwise.net) work without this. One host per line; your browser asks to allow each.</p>
        <textarea rows={3} style={{ width: '100%' }} value={m.hosts.value} onInput={(e) => (m.hosts.value = e.currentTarget.value)} placeholder="cw.example-msp.com" />
        <button onClick={() => void m.saveHosts()}>Save hosts</button>
        <Msg f={m.hostsFeedback} id="opt-hosts-msg" />
      </section>
    </main>
  );
}
