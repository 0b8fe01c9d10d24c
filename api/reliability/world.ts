// Shared set-up for the reliability suite: an account made over HTTP, sessions, a ConnectWise connection.
import { randomBytes } from 'node:crypto';
import type { Simulator } from '../../e2e/sim/simulator.js';

export interface HttpAccount {
  email: string;
  password: string;
  token: string;
  refreshToken: string;
  accountId: string;
  userId: string;
}

export async function http(base: string, method: string, path: string, o: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await fetch(base + path, {
    method,
    headers: {
      ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
      ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...o.headers,
    },
    body: o.body === undefined ? undefined : JSON.stringify(o.body),
  });
  const text = await res.text();
  let body: any = text; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read loose JSON
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* keep the text */
  }
  return { status: res.status, body, text, headers: res.headers };
}

export async function registerOver(base: string, label: string): Promise<HttpAccount> {
  const email = `${label}-${randomBytes(5).toString('hex')}@example.test`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const res = await http(base, 'POST', '/v1/auth/register', { body: { accountName: `${label} MSP`, name: `${label} Admin`, email, password } });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${res.text}`);
  return { email, password, token: res.body.accessToken, refreshToken: res.body.refreshToken, accountId: res.body.user.accountId, userId: res.body.user.id };
}

let ticketSeq = 300000 + Math.floor(Math.random() * 600000);
export async function openSessionOver(base: string, token: string, externalId = String(ticketSeq++)): Promise<string> {
  const res = await http(base, 'POST', '/v1/sessions', { token, body: { ticket: { externalId, summary: 'Printer prints blank pages', company: 'Acme Dental' } } });
  if (res.status !== 201 && res.status !== 200) throw new Error(`open session failed: ${res.status} ${res.text}`);
  return res.body.session.id;
}

/** Saves the simulator as the account's ConnectWise site and opens one session per simulated ticket. */
export async function connectSimulator(base: string, token: string, sim: Simulator, tickets: number): Promise<string[]> {
  const saved = await http(base, 'PUT', '/v1/settings/psa', { token, body: sim.connection });
  if (saved.status !== 200) throw new Error(`saving the ConnectWise connection failed: ${saved.status} ${saved.text}`);
  const ids: string[] = [];
  for (const t of sim.data.tickets.slice(0, tickets)) ids.push(await openSessionOver(base, token, String(t.id)));
  return ids;
}
