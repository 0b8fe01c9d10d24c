// ConnectWise record shapes, parsed tolerantly: references may lack _info, many fields come back null or absent.
import { z } from 'zod';

const str = z.string().nullish().transform((v) => v ?? undefined);
const bool = z.boolean().nullish().transform((v) => v ?? false);

/** `{id, name}` plus whatever else the server adds (`identifier`, `_info` …). */
export const cwRef = z
  .looseObject({ id: z.number(), name: str, identifier: str })
  .nullish()
  .transform((v) => (v ? { id: v.id, name: v.name, identifier: v.identifier } : undefined));
export type CwRef = NonNullable<z.output<typeof cwRef>>;

const info = z
  .looseObject({ lastUpdated: str, updatedBy: str, dateEntered: str, enteredBy: str })
  .nullish()
  .transform((v) => ({ lastUpdated: v?.lastUpdated, updatedBy: v?.updatedBy, dateEntered: v?.dateEntered, enteredBy: v?.enteredBy }));

export const cwTicket = z.looseObject({
  id: z.number(),
  summary: z.string().nullish().transform((v) => v ?? ''),
  recordType: str,
  board: cwRef,
  status: cwRef,
  company: cwRef,
  contact: cwRef,
  contactName: str,
  contactEmailAddress: str,
  contactPhoneNumber: str,
  site: cwRef,
  siteName: str,
  type: cwRef,
  priority: z
    .looseObject({ id: z.number(), name: str, sort: z.number().nullish() })
    .nullish()
    .transform((v) => (v ? { id: v.id, name: v.name, sort: v.sort ?? undefined } : undefined)),
  owner: cwRef,
  team: cwRef,
  severity: str,
  impact: str,
  closedFlag: bool,
  closedDate: str,
  resources: str,
  _info: info,
});
export type CwTicket = z.output<typeof cwTicket>;

export const cwNote = z.looseObject({
  id: z.number(),
  ticketId: z.number().nullish(),
  text: z.string().nullish().transform((v) => v ?? ''),
  detailDescriptionFlag: bool,
  internalAnalysisFlag: bool,
  resolutionFlag: bool,
  customerUpdatedFlag: bool,
  member: cwRef,
  contact: cwRef,
  dateCreated: str,
  createdBy: str,
  internalFlag: bool,
  externalFlag: bool,
});
export type CwNote = z.output<typeof cwNote>;

/** An item of `/service/tickets/{id}/allNotes` (ticket notes merged with time-entry notes). */
export const cwAllNote = z.looseObject({
  id: z.number(),
  noteType: z.string().nullish().transform((v) => v ?? 'TicketNote'),
  text: z.string().nullish().transform((v) => v ?? ''),
  isInternalFlag: bool,
  detailDescriptionFlag: bool,
  internalAnalysisFlag: bool,
  resolutionFlag: bool,
  member: cwRef,
  contact: cwRef,
  timeStart: str,
  timeEnd: str,
  dateCreated: str,
  createdBy: str,
});
export type CwAllNote = z.output<typeof cwAllNote>;

export const cwMember = z.looseObject({
  id: z.number(),
  identifier: z.string(),
  firstName: str,
  lastName: str,
  primaryEmail: str,
  officeEmail: str,
  inactiveFlag: bool,
  title: str,
  licenseClass: str,
});
export type CwMember = z.output<typeof cwMember>;

export const cwSystemInfo = z.looseObject({
  version: z.string().nullish().transform((v) => v ?? 'unknown'),
  isCloud: bool,
  serverTimeZone: str,
});
export type CwSystemInfo = z.output<typeof cwSystemInfo>;

export const cwCompanyInfo = z.looseObject({
  CompanyID: str,
  Codebase: str,
  VersionCode: str,
  IsCloud: z.boolean().nullish(),
});

export const cwTimeEntry = z.looseObject({
  id: z.number(),
  chargeToId: z.number().nullish(),
  chargeToType: str,
  member: cwRef,
  timeStart: str,
  timeEnd: str,
  actualHours: z.number().nullish(),
  notes: str,
});
export type CwTimeEntry = z.output<typeof cwTimeEntry>;

export const cwStatus = z.looseObject({
  id: z.number(),
  name: z.string(),
  closedStatus: z.boolean().nullish(),
  defaultFlag: z.boolean().nullish(),
  inactive: z.boolean().nullish(),
  timeEntryNotAllowed: z.boolean().nullish(),
});
export type CwStatus = z.output<typeof cwStatus>;

/** A service board (`GET /service/boards`): only what the escalation's board picker shows. */
export const cwBoard = z.looseObject({
  id: z.number(),
  name: z.string(),
  inactiveFlag: z.boolean().nullish(),
  projectFlag: z.boolean().nullish(),
  location: cwRef,
  department: cwRef,
});
export type CwBoard = z.output<typeof cwBoard>;

export interface NewNote {
  text: string;
  /** Where the note shows: at least one must be true (ConnectWise refuses a note with none). */
  detailDescriptionFlag: boolean;
  internalAnalysisFlag: boolean;
  resolutionFlag: boolean;
  /** ConnectWise emails the note when true; we send false unless the engineer asked. */
  processNotifications: boolean;
  /** Enter the note as this member (member mapping); otherwise the API member. */
  memberIdentifier?: string;
}

export interface NewTimeEntry {
  ticketId: number;
  memberIdentifier?: string;
  timeStart: Date;
  timeEnd: Date;
  notes: string;
  addToDetailDescriptionFlag?: boolean;
  addToInternalAnalysisFlag?: boolean;
  addToResolutionFlag?: boolean;
  billableOption?: 'Billable' | 'DoNotBill' | 'NoCharge' | 'NoDefault';
}

export interface ListOptions {
  conditions?: string;
  orderBy?: string;
  fields?: string;
  pageSize?: number;
}
