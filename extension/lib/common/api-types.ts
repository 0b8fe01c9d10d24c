// The API's request and response types, derived from the Hono app itself (api/app.ts's AppType): a route
// that changes what it answers changes these types, and `tsc` points at every reader in the extension.
// Type-only (erased at build: no server code reaches the bundle; common/api-types.test.ts keeps it so).
import type { ExtractSchema } from 'hono/types';
import type { SuccessStatusCode } from 'hono/utils/http-status';
import type { JSONParsed } from 'hono/utils/types';
import type { AppType } from '../../../api/app';
import type { errorBody } from '../../../api/lib/errors';
import type { SuggestResult } from '../../../api/services/ai/suggest';
import type { AskResult } from '../../../api/services/ai/ask';
import type { DraftStep, GeneratedFlowView } from '../../../api/services/ai/flow-builder';

type Schema = ExtractSchema<AppType>;
/** Every route of the API, as Hono spells it ("/v1/sessions/:id/steps"). */
export type ApiPath = keyof Schema & string;
type Method<P extends ApiPath> = keyof Schema[P] & `$${string}`;

/**
 * The JSON a route answers with a success status (`S` narrows it: 201 for a creation). Plain-text
 * answers (a note asked for as text/markdown) and errors (thrown, see ApiErrorBody) are not in it.
 */
export type Res<P extends ApiPath, M extends Method<P>, S extends SuccessStatusCode = SuccessStatusCode> =
  Schema[P][M] extends infer E
    ? E extends { output: infer O; outputFormat: 'json'; status: infer X }
      ? [Extract<X, S>] extends [never]
        ? never
        : O
      : never
    : never;

/** The JSON body a route validates (as sent: fields with a server default are optional). */
export type Req<P extends ApiPath, M extends Method<P>> = Schema[P][M] extends { input: { json?: infer J } } ? NonNullable<J> : never;

/** DESIGN.md's error shape, as the API builds it. */
export type ApiErrorBody = ReturnType<typeof errorBody>;

export type AuthResponse = Res<'/v1/auth/login', '$post'>;
export type User = Res<'/v1/me', '$get'>['user'];

export type FlowSummary = Res<'/v1/flows', '$get'>['flows'][number];
export type FlowKind = FlowSummary['kind'];

export type SessionSummary = Res<'/v1/sessions', '$get'>['sessions'][number];
export type SessionDetail = Res<'/v1/sessions/:id', '$get'>['session'];
export type TicketRef = SessionDetail['ticket'];
export type Fact = SessionDetail['facts'][number];
export type SuggestedFix = NonNullable<SessionDetail['activeFix']>;

/** The note preview (GET resolution-note as JSON). */
export type NotePreview = Res<'/v1/sessions/:id/resolution-note', '$get'>;
/**
 * One redacted spot of the note preview: `marker` is the 1-based position of its "[redacted …]" marker in
 * the note text; `id` is a fingerprint, never the text. Revealed spots were un-hidden for this session only.
 */
export type RedactionSpot = NotePreview['note']['redactionSpots'][number];

/**
 * The copilot's answer (POST suggest as JSON, or the `suggestion` event of its stream). The route answers
 * JSON or a stream, so Hono cannot type its body: it is the service's result, as JSON carries it.
 */
export type Proposal = JSONParsed<SuggestResult>;

/** One turn of a session's Ask conversation, and a source its answer was given (a link to a session or flow). */
export type AskTurn = Res<'/v1/sessions/:id/ask', '$get'>['turns'][number];
export type AskSource = Omit<AskTurn['sources'][number], 'cited'>;
/** The `done` event of an Ask stream (the route streams, so Hono cannot type it). */
export type AskDone = JSONParsed<AskResult>;
/** POST /v1/flows/generate's answer (JSON, or the `result` event of its stream; the route also streams, so it is named here). */
export type GeneratedFlowResult = JSONParsed<GeneratedFlowView>;
/** A node of the AI builder's draft, streamed as soon as it is complete. */
export type BuilderStep = DraftStep;

export type TimeEntryRequest = Req<'/v1/sessions/:id/time-entry', '$post'>;
export type BillableOption = NonNullable<TimeEntryRequest['billable']>;
/** POST /v1/sessions/:id/time-entry: 201 the first time, 200 with alreadyLogged after. */
export type TimeEntryResponse = Res<'/v1/sessions/:id/time-entry', '$post'>;

export type Settings = Res<'/v1/settings', '$get'>['settings'];
/** What a content script (the panel) is given of the settings: the note defaults, never the redaction rules or models. */
export type PanelSettings = Pick<Settings, 'noteFormat' | 'noteDefaults' | 'timeZone'>;
export type SettingsPatch = Req<'/v1/settings', '$put'>;
export type PsaConnectionView = NonNullable<Res<'/v1/settings/psa', '$get'>['connection']>;
export type PsaConnectionInput = Req<'/v1/settings/psa', '$put'>;

/** Close-out as one action (issue #13): the request, the statuses to choose from, each step's result. */
export type CloseOutRequest = Req<'/v1/sessions/:id/close-out', '$post'>;
export type CloseOutResponse = Res<'/v1/sessions/:id/close-out', '$post'>;
export type CloseOutStep = CloseOutResponse['steps'][number];
export type BoardStatuses = Res<'/v1/sessions/:id/board-statuses', '$get'>;
export type BoardStatus = BoardStatuses['statuses'][number];
export type FixDecision = Req<'/v1/sessions/:id/fixes/:fixId/decision', '$post'>['decision'];
export type EscalationRequest = Req<'/v1/sessions/:id/escalation/send', '$post'>;
export type PsaBoard = Res<'/v1/psa/boards', '$get'>['boards'][number];
export type PsaBoardStatuses = Res<'/v1/psa/boards/:boardId/statuses', '$get'>;
export type EscalationPreview = Res<'/v1/sessions/:id/escalation/preview', '$post'>;
export type EscalationStep = Res<'/v1/sessions/:id/escalation/send', '$post'>['steps'][number];
export type ShareLink = Res<'/v1/sessions/:id/shares', '$get'>['shares'][number];
