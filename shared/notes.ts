// The formats a note (resolution note, escalation package) is rendered in.
export type NoteFormat = 'markdown' | 'text' | 'html';
export const NOTE_FORMATS: readonly NoteFormat[] = ['markdown', 'text', 'html'];
