// The seed's fix decisions (one-off, draft template, build template, dismiss), the "scripts to review" badge,
// escalation with a preview, and share links.
import { batch, signal } from '@preact/signals';
import type { EscalationPreview, EscalationStep, FixDecision, PsaBoard, PsaBoardStatuses, ShareLink } from '../../common/api-types';
import { failMessage, type Core, type Load } from './core';
import type { SyncPart } from './sync';

export const DECISION_LABELS: Record<FixDecision, string> = {
  one_off: 'Accepted as a one-off',
  draft_template: 'Accepted; its script saved as a draft template for review',
  build_template: 'Accepted; its script built into a template',
  dismissed: 'Dismissed',
};

export function createDecisions(core: Core, sync: SyncPart) {
  const { deps, session, sid, run } = core;
  /** Draft templates waiting for review across the account (the badge); null until known. */
  const draftsPending = signal<number | null>(null);

  async function loadDraftCount() {
    const r = await deps.call('draftCount', undefined);
    if (r.ok) draftsPending.value = r.data.pending;
  }

  async function decideFixAs(decision: FixDecision) {
    const s = session.value;
    const fix = s?.activeFix;
    if (!s || !fix) return;
    await run(
      DECISION_LABELS[decision],
      () => deps.call('fixDecision', { sessionId: s.id, fixId: fix.id, decision }),
      (d) => {
        const cur = session.value;
        if (cur?.id === s.id) session.value = { ...cur, activeFix: d.fix };
        if (decision === 'draft_template' || decision === 'build_template') void loadDraftCount();
      },
      () => sync.queue(decision === 'dismissed' ? 'rejectFix' : 'acceptFix', fix.title),
    );
  }

  const escalation = {
    reason: signal(''),
    preview: signal<EscalationPreview | null>(null),
    previewLoad: signal<Load>('idle'),
    /** The reason the preview was written for: sending another reason needs a new preview. */
    previewedReason: signal<string | null>(null),
    statusId: signal<number | null>(null),
    /** The account's active boards (the board picker); null until loaded. */
    boards: signal<PsaBoard[] | null>(null),
    boardsLoad: signal<Load>('idle'),
    /** The board to move the ticket to; null keeps the ticket's board. */
    boardId: signal<number | null>(null),
    /** The chosen board's statuses (the status picker offers these once another board is chosen). */
    boardStatuses: signal<PsaBoardStatuses | null>(null),
    boardStatusesLoad: signal<Load>('idle'),
    sending: signal(false),
    steps: signal<EscalationStep[] | null>(null),
    complete: signal(false),
    error: signal<string | null>(null),
  };

  async function loadEscalationBoards() {
    if (escalation.boardsLoad.value === 'loading' || escalation.boardsLoad.value === 'ready') return;
    escalation.boardsLoad.value = 'loading';
    const r = await deps.call('psaBoards', undefined);
    batch(() => {
      if (r.ok) escalation.boards.value = r.data.boards;
      else escalation.error.value = failMessage(r) ?? 'The boards need the API: the ticket can still be escalated on its own board.';
      escalation.boardsLoad.value = r.ok ? 'ready' : 'error';
    });
  }

  /** Another board (or null: keep the ticket's); its statuses replace the status choice. */
  async function chooseEscalationBoard(boardId: number | null) {
    batch(() => {
      escalation.boardId.value = boardId;
      escalation.statusId.value = null;
      escalation.boardStatuses.value = null;
      escalation.boardStatusesLoad.value = boardId === null ? 'idle' : 'loading';
    });
    if (boardId === null) return;
    const r = await deps.call('psaBoardStatuses', { boardId });
    // The engineer may have picked yet another board meanwhile: only the latest choice's statuses count.
    if (escalation.boardId.value !== boardId) return;
    batch(() => {
      if (r.ok) escalation.boardStatuses.value = r.data;
      else escalation.error.value = failMessage(r) ?? 'That board\'s statuses need the API.';
      escalation.boardStatusesLoad.value = r.ok ? 'ready' : 'error';
    });
  }

  /** The package as it would be posted with this reason, and where it goes; changes nothing. */
  async function previewEscalation() {
    const id = sid();
    const reason = escalation.reason.value.trim();
    if (!id || !reason) return;
    batch(() => {
      escalation.previewLoad.value = 'loading';
      escalation.error.value = null;
    });
    const r = await deps.call('escalationPreview', { sessionId: id, reason });
    if (sid() !== id) return;
    batch(() => {
      if (r.ok) {
        escalation.preview.value = r.data;
        escalation.previewedReason.value = reason;
        escalation.previewLoad.value = 'ready';
      } else {
        escalation.previewLoad.value = 'error';
        escalation.error.value = failMessage(r) ?? 'The preview needs the API: try again when FlowPilot is reachable.';
      }
    });
  }

  /** Escalates, posts the package once and changes the status if asked; again after a failure retries what is not done. */
  async function sendEscalation() {
    const id = sid();
    const reason = escalation.previewedReason.value;
    if (!id || !reason || escalation.sending.value) return;
    batch(() => {
      escalation.sending.value = true;
      escalation.error.value = null;
    });
    try {
      const r = await deps.call('escalationSend', {
        sessionId: id,
        reason,
        ...(escalation.boardId.value !== null ? { boardId: escalation.boardId.value } : {}),
        ...(escalation.statusId.value !== null ? { statusId: escalation.statusId.value } : {}),
      });
      if (sid() !== id) return;
      if (r.ok) {
        batch(() => {
          escalation.steps.value = r.data.steps;
          escalation.complete.value = r.data.complete;
          session.value = r.data.session;
        });
      } else {
        escalation.error.value = r.queued ? 'FlowPilot is unreachable: nothing was posted. Send again when it is back.' : r.error.message;
      }
    } finally {
      escalation.sending.value = false;
    }
  }

  const shares = {
    list: signal<ShareLink[]>([]),
    /** The link just made: its address exists only in this answer (the API keeps a hash). */
    created: signal<{ id: string; url: string } | null>(null),
    busy: signal(false),
    error: signal<string | null>(null),
  };

  async function loadShares() {
    const id = sid();
    if (!id) return;
    const r = await deps.call('listShares', { sessionId: id });
    if (sid() !== id) return;
    if (r.ok) shares.list.value = r.data.shares;
    else shares.error.value = failMessage(r) ?? 'Share links need the API.';
  }

  async function shareAction(fn: () => Promise<boolean>) {
    if (shares.busy.value) return;
    batch(() => {
      shares.busy.value = true;
      shares.error.value = null;
    });
    try {
      if (await fn()) await loadShares();
    } finally {
      shares.busy.value = false;
    }
  }

  const createShare = () =>
    shareAction(async () => {
      const id = sid();
      if (!id) return false;
      const r = await deps.call('createShare', { sessionId: id });
      if (!r.ok) shares.error.value = failMessage(r) ?? 'Making a link needs the API: try again when FlowPilot is reachable.';
      else shares.created.value = { id: r.data.share.id, url: r.data.url };
      return r.ok;
    });

  const revokeShare = (shareId: string) =>
    shareAction(async () => {
      const id = sid();
      if (!id) return false;
      const r = await deps.call('revokeShare', { sessionId: id, shareId });
      if (!r.ok) shares.error.value = failMessage(r) ?? 'Revoking needs the API: try again when FlowPilot is reachable.';
      else if (shares.created.value?.id === shareId) shares.created.value = null;
      return r.ok;
    });

  function reset() {
    batch(() => {
      escalation.reason.value = '';
      escalation.preview.value = null;
      escalation.previewLoad.value = 'idle';
      escalation.previewedReason.value = null;
      escalation.statusId.value = null;
      escalation.boardId.value = null;
      escalation.boardStatuses.value = null;
      escalation.boardStatusesLoad.value = 'idle';
      escalation.steps.value = null;
      escalation.complete.value = false;
      escalation.error.value = null;
      shares.list.value = [];
      shares.created.value = null;
      shares.error.value = null;
    });
  }

  return { draftsPending, loadDraftCount, decideFixAs, escalation, loadEscalationBoards, chooseEscalationBoard, previewEscalation, sendEscalation, shares, loadShares, createShare, revokeShare, resetDecisions: reset };
}
