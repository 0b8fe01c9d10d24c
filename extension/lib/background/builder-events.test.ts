// The builder stream's events as the workspace gets them: steps and the draft pass, the API's error shape becomes a
// refusal in words (never "unreachable"), and malformed events are dropped rather than thrown.
import { describe, expect, it } from 'vitest';
import { toBuilderEvents } from './builder';

describe('toBuilderEvents', () => {
  it('passes steps and the draft, and says a refusal with its code', () => {
    expect(toBuilderEvents('step', '{"id":"a","kind":"check","title":"Check the cable"}')).toEqual([{ type: 'step', step: { id: 'a', kind: 'check', title: 'Check the cable' } }]);
    const result = { draft: { title: 'T' }, origin: 'offline' };
    expect(toBuilderEvents('result', JSON.stringify(result))).toEqual([{ type: 'result', result }]);
    expect(toBuilderEvents('error', '{"error":{"code":"invalid_flow","message":"Rephrase the request"}}')).toEqual([{ type: 'error', status: 422, code: 'invalid_flow', message: 'Rephrase the request' }]);
    expect(toBuilderEvents('error', 'not json')).toEqual([{ type: 'error', status: 500, code: 'internal', message: 'The draft failed; try again.' }]);
  });

  it('drops malformed steps and results, and unknown events', () => {
    expect(toBuilderEvents('step', '{"id":"a"}')).toEqual([]);
    expect(toBuilderEvents('step', '{"id":')).toEqual([]);
    expect(toBuilderEvents('result', '{"origin":"model"}')).toEqual([]);
    expect(toBuilderEvents('ping', '{}')).toEqual([]);
  });
});
