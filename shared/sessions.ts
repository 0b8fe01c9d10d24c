// A session's statuses, and which of them are open (being worked on; at most one per ticket).
export const SESSION_STATUSES = ['active', 'paused', 'resolved', 'escalated', 'abandoned'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export const OPEN_STATUSES: readonly SessionStatus[] = ['active', 'paused'];

export const isOpenStatus = (status: SessionStatus): boolean => OPEN_STATUSES.includes(status);

/** True for a session (any view with a status) that is still open. */
export const isOpen = (s: { status: SessionStatus }): boolean => isOpenStatus(s.status);
