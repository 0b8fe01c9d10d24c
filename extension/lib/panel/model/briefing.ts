// The escalation briefing for the next tier (known, ruled out, best hypothesis, next): written by the model and
// then carried by the package (so the preview is written again to show it), or the offline template, which the
// package already carries.
import { batch, signal } from '@preact/signals';
import type { Res } from '../../common/api-types';
import type { Core } from './core';
import type { createPrivacy } from './privacy';

export type BriefingResult = Res<'/v1/sessions/:id/escalation-briefing', '$post'>;

export function createBriefing(core: Core, privacy: Pick<ReturnType<typeof createPrivacy>, 'holdIf'>, previewEscalation: () => Promise<void>) {
  const briefing = {
    result: signal<BriefingResult | null>(null),
    writing: signal(false),
  };

  async function writeBriefing() {
    const id = core.sid();
    if (!id || briefing.writing.value) return;
    briefing.writing.value = true;
    try {
      const r = await core.run('Write the briefing', () => core.deps.call('escalationBriefing', { sessionId: id }));
      if (core.sid() !== id) return;
      if (r.ok) {
        briefing.result.value = r.data;
        // The stored briefing is part of the package from now on: the preview on screen is written again with it.
        if (r.data.inPackage) await previewEscalation();
      } else await privacy.holdIf(r, 'briefing', writeBriefing);
    } finally {
      briefing.writing.value = false;
    }
  }

  function reset() {
    batch(() => {
      briefing.result.value = null;
      briefing.writing.value = false;
    });
  }

  return { briefing, writeBriefing, reset };
}
