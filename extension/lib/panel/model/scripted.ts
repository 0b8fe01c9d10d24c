// For the panel model's tests: a background that answers from a script, a signed-in engineer and a session
// as the API shapes it. Nothing in the panel imports this; only tests do.
import type { SessionDetail, User } from '../../common/api-types';
import type { OperationName } from '../../common/operations';
import type { AccountState, AskEvent, AskRequest, CallResult } from '../../common/protocol';
import { createPanelModel } from './index';

export type Script = Partial<Record<OperationName, (args: never) => CallResult<unknown>>>;

export const engineer: User = { id: 'u', accountId: 'a', name: 'U', email: 'u@x', role: 'engineer', disabled: false, createdAt: '2026-11-25T09:00:00Z' };

/** An open session on a ticket, as GET /v1/sessions/:id answers it. */
export function sessionDetail(id: string, ticketId: string, extra: Partial<SessionDetail> = {}): SessionDetail {
  return {
    id,
    ticket: { psa: 'connectwise', externalId: ticketId },
    flowId: null,
    currentNodeId: null,
    status: 'active',
    stateVersion: 1,
    userId: 'u',
    rootCause: null,
    resolutionNote: { postedAt: null, externalId: null },
    escalation: { reason: null, postedAt: null, externalId: null },
    updatedAt: '2026-11-25T10:00:00Z',
    createdAt: '2026-11-25T10:00:00Z',
    endedAt: null,
    flowVersion: null,
    currentNode: null,
    lane: [],
    facts: [],
    activeFix: null,
    ...extra,
  };
}

/** What the Ask port streams back for one request (suggest, or a question with `conversation`). */
export type AskScript = (req: AskRequest) => AskEvent[];

/**
 * The panel model over a scripted background: an operation without a handler answers 404; every call is
 * recorded. With `ask`, the Ask port answers each request with the scripted events (recorded as op "ask").
 */
export function scripted(handlers: Script, ask?: AskScript) {
  const calls: { op: OperationName | 'ask'; args: unknown }[] = [];
  const call = async (op: OperationName, args: unknown) => {
    calls.push({ op, args });
    const h = handlers[op] as ((a: unknown) => CallResult<unknown>) | undefined;
    return h ? h(args) : { ok: false as const, error: { status: 404, code: 'not_found', message: `no ${op}` } };
  };
  const signedIn: AccountState = { signedIn: true, user: engineer, apiBase: 'http://127.0.0.1:8787' };
  // The scripted call answers whatever the handler gives; the model's generic signature is satisfied at runtime.
  const askPort = ask
    ? (req: AskRequest, onEvent: (e: AskEvent) => void) => {
        calls.push({ op: 'ask', args: req });
        for (const e of ask(req)) onEvent(e);
        return () => {};
      }
    : undefined;
  const model = createPanelModel({ call: call as never, accountState: async () => signedIn, ask: askPort });
  return { model, calls };
}
