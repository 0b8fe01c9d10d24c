// The events of the copilot's SSE stream (POST /v1/sessions/:id/suggest with Accept: text/event-stream),
// in the order the API sends them: routing, then deltas (and a repair or fallback), then the suggestion
// (the same body as the JSON answer), then done; or failed, in place of the rest, when it breaks.
export const ASK_STREAM_EVENTS = ['routing', 'delta', 'repair', 'fallback', 'suggestion', 'done', 'failed'] as const;
export type AskStreamEvent = (typeof ASK_STREAM_EVENTS)[number];

/** The data of a `delta` event: model text, or a fragment of a tool call's input. */
export interface AskDelta {
  kind: 'text' | 'tool_input';
  text: string;
}

/** The data of a `failed` event (never the internal error: that is logged, not sent). */
export interface AskFailure {
  code: string;
  message: string;
}
