// `npm run demo`: the API (as `npm start` runs it), the ConnectWise simulator, and Chromium with the extension on a simulated ticket.
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { startSimulator } from '../e2e/sim/simulator.js';
import { CW_HOST, EXTENSION_DIR, launchWithExtension } from '../e2e/lib/browser.js';
import { signInViaOptions } from '../e2e/lib/extension.js';
import { extensionIsStale } from '../e2e/global-setup.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const API_PORT = Number(process.env.PORT ?? 8787);
const SIM_PORT = Number(process.env.SIM_PORT ?? 9123);
const DEMO = { email: process.env.DEMO_EMAIL ?? 'demo@flowpilot.test', password: process.env.DEMO_PASSWORD ?? 'flowpilot-demo-1', name: 'Demo Engineer', accountName: 'BlueWave IT (demo)' };
const TICKET = 184201;

function startApi(): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, 'api/server.ts')], {
      cwd: ROOT,
      // Its own data dir, so the demo account and tickets never mix with a developer's `npm start` data.
      env: { ...process.env, PORT: String(API_PORT), LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', FLOWPILOT_DATA_DIR: process.env.FLOWPILOT_DATA_DIR ?? '.data/demo' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      console.log(`[api] ${line}`);
      const m = /FlowPilot API listening on (http:\/\/\S+)/.exec(line);
      if (m) resolve({ child, url: m[1]! });
    });
    child.on('exit', (code) => reject(new Error(`the API exited with code ${code}`)));
  });
}

async function call(url: string, method: string, body?: unknown, token?: string) {
  const res = await fetch(url, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> | null };
}

async function main() {
  if (extensionIsStale()) {
    console.log('Building the extension…');
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules/wxt/bin/wxt.mjs'), 'build'], { cwd: ROOT, stdio: 'inherit' });
  }
  const api = await startApi();
  const sim = await startSimulator({ port: SIM_PORT });
  console.log(`ConnectWise simulator listening on ${sim.url}`);

  // The demo account: created on first run, signed in afterwards; its ConnectWise connection is the simulator.
  let auth = await call(`${api.url}/v1/auth/login`, 'POST', { email: DEMO.email, password: DEMO.password });
  if (auth.status !== 200) auth = await call(`${api.url}/v1/auth/register`, 'POST', DEMO);
  const token = auth.body?.accessToken as string | undefined;
  if (!token) throw new Error(`could not sign in the demo account: ${JSON.stringify(auth.body)}`);
  const c = sim.credentials;
  const psa = await call(`${api.url}/v1/settings/psa`, 'PUT', { site: sim.url, companyId: c.companyId, publicKey: c.publicKey, privateKey: c.privateKey, clientId: c.clientId }, token);
  if (psa.status >= 300) console.warn(`(ConnectWise connection not saved: ${psa.status} ${JSON.stringify(psa.body)})`);

  const ticketUrl = `http://${CW_HOST}/v2025_1/ConnectWise.aspx?locale=en_US&routeTo=ServiceFV&recid=${TICKET}`;
  const headed = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY) && process.env.HEADLESS !== '1';
  let close = async () => {};
  if (headed) {
    const eb = await launchWithExtension({ simPort: sim.port, headless: false });
    (await signInViaOptions(eb, api.url, DEMO.email, DEMO.password)).close().catch(() => {});
    const page = await eb.browser.newPage();
    await page.goto(ticketUrl);
    console.log(`\nChromium is open on ticket #${TICKET} with the FlowPilot panel. Ctrl+C to stop.`);
    close = () => eb.close();
  } else {
    console.log(`
No display: open it yourself.
  1. Start Chromium (or Chrome) with the extension and the ConnectWise host mapped onto the simulator:
       chromium --load-extension=${EXTENSION_DIR} --host-resolver-rules="MAP ${CW_HOST} 127.0.0.1:${sim.port}" \\
                --disable-features=HttpsUpgrades
  2. In FlowPilot's options page sign in: API ${api.url}, ${DEMO.email} / ${DEMO.password}
  3. Open ${ticketUrl}
     (or, without the host mapping, ${sim.url}/ and add 127.0.0.1 as an on-premise host in the options)
Ctrl+C to stop.`);
  }
  const stop = async () => {
    await close().catch(() => {});
    await sim.close();
    api.child.kill('SIGTERM');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  console.error('demo failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
