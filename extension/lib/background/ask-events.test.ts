// The API's refusal code survives the trip from an SSE event to the panel (the panel holds a call on outbound_preview_required).
import { describe, expect, it } from 'vitest';
import { toAskEvents, toConversationEvents } from './ask';

describe('Ask stream errors reach the panel with their code', () => {
  it('a suggestion refused with outbound_preview_required', () => {
    expect(toAskEvents('failed', JSON.stringify({ code: 'outbound_preview_required', message: 'Look first.' }))).toEqual([
      { type: 'error', status: 0, code: 'outbound_preview_required', message: 'Look first.' },
    ]);
  });

  it('a question refused with outbound_preview_required; a generic failure carries its own code', () => {
    expect(toConversationEvents('error', JSON.stringify({ code: 'outbound_preview_required', message: 'Look first.' }))).toEqual([
      { type: 'error', status: 0, code: 'outbound_preview_required', message: 'Look first.' },
    ]);
    expect(toConversationEvents('error', 'not json')).toEqual([{ type: 'error', status: 0, message: 'The answer failed; try again.' }]);
  });
});
