// The AI flow builder: streams a draft flow from the API to the workspace over a runtime port (POST /v1/flows/generate
// as SSE): each node as soon as the model has written it, then the draft itself.
import type { ApiClient } from './api-client';
import type { BuilderStep, GeneratedFlowResult } from '../common/api-types';
import { BUILDER_PORT, type BuilderEvent } from '../common/protocol';
import { servePageStream } from './page-stream';
import { builderRequest } from './schemas';

function parseJson(data: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(data) as unknown;
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** One event of the stream as the workspace sees it; anything malformed is dropped (the result or an error still ends it). */
export function toBuilderEvents(event: string, data: string): BuilderEvent[] {
  const parsed = parseJson(data);
  switch (event) {
    case 'step':
      return typeof parsed?.id === 'string' && typeof parsed.title === 'string' && typeof parsed.kind === 'string' ? [{ type: 'step', step: parsed as unknown as BuilderStep }] : [];
    case 'result':
      return parsed && typeof parsed.draft === 'object' ? [{ type: 'result', result: parsed as unknown as GeneratedFlowResult }] : [];
    case 'error': {
      const e = parsed?.error as { code?: unknown; message?: unknown } | undefined;
      // The API answered (inside a 200 stream): a refused draft (422) or its own failure, never "unreachable".
      const code = typeof e?.code === 'string' ? e.code : 'internal';
      return [{ type: 'error', message: typeof e?.message === 'string' ? e.message : 'The draft failed; try again.', status: code === 'internal' ? 500 : 422, code }];
    }
    default:
      return [];
  }
}

export function setupBuilder(api: ApiClient) {
  servePageStream(api, { port: BUILDER_PORT, label: 'Flow builder', request: builderRequest, path: '/v1/flows/generate', toEvents: toBuilderEvents, plainEvent: 'result' });
}
