// The formats a note (resolution note, escalation package) is rendered in.
export type NoteFormat = 'markdown' | 'text' | 'html';
export const NOTE_FORMATS: readonly NoteFormat[] = ['markdown', 'text', 'html'];

export const isNoteFormat = (v: unknown): v is NoteFormat => typeof v === 'string' && (NOTE_FORMATS as readonly string[]).includes(v);
