// Queued writes by kind (operations.ts tags each queued operation with one), and their names on screen.
/** The kinds of queued write, with what the offline queue and the panel call them. */
export const QUEUE_LABELS = {
  chooseFlow: 'Choose flow',
  removeFlow: 'Remove flow',
  recordStep: 'Record step',
  addNote: 'Add note',
  addCommand: 'Add command',
  addFact: 'Add fact',
  editFact: 'Edit fact',
  removeFact: 'Remove fact',
  acceptFix: 'Accept fix',
  rejectFix: 'Reject fix',
  proposeFix: 'Propose fix',
  postNote: 'Post note to ticket',
  escalate: 'Escalate',
  postEscalation: 'Post escalation to ticket',
  resolve: 'Resolve',
} as const;
export type QueueKind = keyof typeof QUEUE_LABELS;
