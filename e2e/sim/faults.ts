// Fault injection for the simulator: queued one-shot faults and seeded random "chaos" on matching requests.
import { seededRandom } from '../../api/lib/seeded-random.js';

export type Fault =
  /** Wait before handling (the request has not been processed yet while the client waits). */
  | { kind: 'delay'; ms: number }
  /** Answer with this status and a ConnectWise-style error body, without processing. */
  | { kind: 'status'; status: number; retryAfter?: number }
  /** ConnectWise's rate-limiting proxy: 429 with `Retry-After` (seconds, may be fractional here). */
  | { kind: 'rateLimit'; retryAfter: number }
  /** Close the connection without processing or answering. */
  | { kind: 'drop' }
  /** Process the request (a POST is stored), then close the connection without answering. */
  | { kind: 'dropAfterWrite' }
  /** Process the request, then wait before answering (a client time-out sees an unknown outcome). */
  | { kind: 'delayAfterWrite'; ms: number }
  /**
   * Process the request, send the status line and headers at once, then trickle the body out over
   * `ms` (a slow link or an overloaded proxy: the client has headers but not yet the answer).
   */
  | { kind: 'slowBody'; ms: number };

export interface FaultMatch {
  method?: string;
  /** Matched against the path below the API base (`service/tickets/184201/notes`) or the full path. */
  path?: string | RegExp;
}

export interface FaultRule {
  match?: FaultMatch;
  /** How many matching requests this rule affects (default 1). */
  times?: number;
  fault: Fault;
}

export interface ChaosOptions {
  /** Probability (0–1) that a matching request gets a fault. */
  rate: number;
  faults: Fault[];
  match?: FaultMatch;
  /** Seed for a reproducible sequence (default 1). */
  seed?: number;
}


export interface FaultsApi {
  add(rule: FaultRule): void;
  /** Shorthands. */
  delay(ms: number, match?: FaultMatch, times?: number): void;
  rateLimit(retryAfterSeconds: number, match?: FaultMatch, times?: number): void;
  status(status: number, match?: FaultMatch, times?: number): void;
  dropAfterWrite(match?: FaultMatch, times?: number): void;
  /** A 429 storm: the next `count` matching requests are refused with `Retry-After: retryAfterSeconds`. */
  rateLimitStorm(count: number, retryAfterSeconds: number, match?: FaultMatch): void;
  /** Slow responses: the next `times` matching requests are processed, then their body trickles out over `ms`. */
  slowBody(ms: number, match?: FaultMatch, times?: number): void;
  chaos(options: ChaosOptions): void;
  stopChaos(): void;
  clear(): void;
  /** Rules not yet used up. */
  pending(): number;
  /** How many faults have been applied since the last clear/reset. */
  readonly injected: Fault[];
}

function matches(m: FaultMatch | undefined, method: string, apiPath: string, fullPath: string): boolean {
  if (!m) return true;
  if (m.method && m.method.toUpperCase() !== method) return false;
  if (m.path === undefined) return true;
  if (typeof m.path === 'string') return apiPath === m.path.replace(/^\//, '') || fullPath === m.path;
  return m.path.test(apiPath) || m.path.test(fullPath);
}

export class Faults implements FaultsApi {
  private rules: Array<FaultRule & { left: number }> = [];
  private chaosOpts: (ChaosOptions & { rnd: () => number }) | null = null;
  injected: Fault[] = [];

  add(rule: FaultRule) {
    this.rules.push({ ...rule, left: rule.times ?? 1 });
  }
  delay(ms: number, match?: FaultMatch, times?: number) {
    this.add({ match, times, fault: { kind: 'delay', ms } });
  }
  rateLimit(retryAfter: number, match?: FaultMatch, times?: number) {
    this.add({ match, times, fault: { kind: 'rateLimit', retryAfter } });
  }
  status(status: number, match?: FaultMatch, times?: number) {
    this.add({ match, times, fault: { kind: 'status', status } });
  }
  dropAfterWrite(match?: FaultMatch, times?: number) {
    this.add({ match, times, fault: { kind: 'dropAfterWrite' } });
  }
  rateLimitStorm(count: number, retryAfter: number, match?: FaultMatch) {
    this.add({ match, times: count, fault: { kind: 'rateLimit', retryAfter } });
  }
  slowBody(ms: number, match?: FaultMatch, times?: number) {
    this.add({ match, times, fault: { kind: 'slowBody', ms } });
  }
  chaos(options: ChaosOptions) {
    this.chaosOpts = { ...options, rnd: seededRandom(options.seed ?? 1) };
  }
  stopChaos() {
    this.chaosOpts = null;
  }
  clear() {
    this.rules = [];
    this.chaosOpts = null;
    this.injected = [];
  }
  pending() {
    return this.rules.reduce((n, r) => n + r.left, 0);
  }

  /** The fault for this request, if any (one-shot rules first, then chaos). */
  take(method: string, apiPath: string, fullPath: string): Fault | null {
    const rule = this.rules.find((r) => r.left > 0 && matches(r.match, method, apiPath, fullPath));
    if (rule) {
      rule.left--;
      this.rules = this.rules.filter((r) => r.left > 0);
      this.injected.push(rule.fault);
      return rule.fault;
    }
    const c = this.chaosOpts;
    if (c && c.faults.length && matches(c.match, method, apiPath, fullPath) && c.rnd() < c.rate) {
      const fault = c.faults[Math.floor(c.rnd() * c.faults.length)]!;
      this.injected.push(fault);
      return fault;
    }
    return null;
  }
}
