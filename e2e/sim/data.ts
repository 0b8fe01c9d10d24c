// The simulator's in-memory ConnectWise data: record types and a realistic MSP seed (fresh copy per reset).

export interface Ref {
  id: number;
  name: string;
}

export interface SimCompany {
  id: number;
  identifier: string;
  name: string;
  phoneNumber: string;
  city: string;
  state: string;
}

export interface SimContact {
  id: number;
  companyId: number;
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
}

export interface SimMember {
  id: number;
  identifier: string;
  firstName: string;
  lastName: string;
  primaryEmail: string;
  officeEmail: string | null;
  title: string;
  inactiveFlag: boolean;
  /** API-only members are what an API key authenticates as. */
  apiMember?: boolean;
}

/** A board status; `inactive` ones stay on old tickets but may not be chosen, as in ConnectWise. */
export interface SimStatus extends Ref {
  inactive?: boolean;
  /** ConnectWise refuses time entries on tickets in this status. */
  timeEntryNotAllowed?: boolean;
}

export interface SimBoard {
  id: number;
  name: string;
  /** A retired board: still listed (`inactiveFlag: true`), no ticket can be moved onto it. */
  inactive?: boolean;
  location: string;
  department: string;
  /** The first one is the board's default (what a new ticket gets). */
  statuses: SimStatus[];
}

export interface SimPriority {
  id: number;
  name: string;
  sort: number;
}

export interface SimTicket {
  id: number;
  summary: string;
  boardId: number;
  statusId: number;
  companyId: number;
  contactId: number | null;
  priorityId: number;
  typeName: string | null;
  severity: 'Low' | 'Medium' | 'High';
  impact: 'Low' | 'Medium' | 'High';
  ownerId: number | null;
  source: string;
  closedFlag: boolean;
  closedDate: string | null;
  dateEntered: string;
  enteredBy: string;
  lastUpdated: string;
  updatedBy: string;
}

export interface SimNote {
  id: number;
  ticketId: number;
  text: string;
  detailDescriptionFlag: boolean;
  internalAnalysisFlag: boolean;
  resolutionFlag: boolean;
  customerUpdatedFlag: boolean;
  processNotifications: boolean;
  /** Set for notes entered by a member; customer-portal notes have a contact instead. */
  memberId: number | null;
  contactId: number | null;
  dateCreated: string;
  createdBy: string;
}

export interface SimTimeEntry {
  id: number;
  chargeToId: number;
  chargeToType: 'ServiceTicket';
  memberId: number;
  timeStart: string;
  timeEnd: string;
  actualHours: number;
  notes: string;
  addToDetailDescriptionFlag: boolean;
  addToInternalAnalysisFlag: boolean;
  addToResolutionFlag: boolean;
  billableOption: 'Billable' | 'DoNotBill' | 'NoCharge' | 'NoDefault';
  dateEntered: string;
}

export interface SimData {
  companies: SimCompany[];
  contacts: SimContact[];
  members: SimMember[];
  boards: SimBoard[];
  priorities: SimPriority[];
  tickets: SimTicket[];
  notes: SimNote[];
  timeEntries: SimTimeEntry[];
  nextIds: { ticket: number; note: number; timeEntry: number };
}

/** ConnectWise's wire format for dates: ISO 8601, whole seconds, `Z`. */
export const cwDate = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

const BASE = Date.UTC(2026, 10, 16, 8, 0, 0); // Mon 16 Nov 2026 08:00 UTC, the seed's "week"
const at = (dayOffset: number, hour: number, minute = 0) => cwDate(new Date(BASE + dayOffset * 86_400_000 + (hour - 8) * 3_600_000 + minute * 60_000));

export function seedData(): SimData {
  const companies: SimCompany[] = [
    { id: 250, identifier: 'ContosoDental', name: 'Contoso Dental Group', phoneNumber: '(555) 201-4400', city: 'Tampa', state: 'FL' },
    { id: 251, identifier: 'NorthwindLaw', name: 'Northwind Law LLP', phoneNumber: '(555) 318-2290', city: 'Orlando', state: 'FL' },
    { id: 252, identifier: 'FabrikamMfg', name: 'Fabrikam Manufacturing', phoneNumber: '(555) 442-9011', city: 'Lakeland', state: 'FL' },
    { id: 253, identifier: 'AdatumCPA', name: 'Adatum CPA Partners', phoneNumber: '(555) 610-7733', city: 'Sarasota', state: 'FL' },
    { id: 254, identifier: 'TailspinVet', name: 'Tailspin Veterinary Clinic', phoneNumber: '(555) 733-1180', city: 'Clearwater', state: 'FL' },
  ];
  const contacts: SimContact[] = [
    { id: 3101, companyId: 250, firstName: 'Maria', lastName: 'Lopez', email: 'mlopez@contosodental.example', phone: '(555) 201-4411' },
    { id: 3102, companyId: 250, firstName: 'Dr. Alan', lastName: 'Reyes', email: 'areyes@contosodental.example', phone: '(555) 201-4402' },
    { id: 3103, companyId: 251, firstName: 'Priya', lastName: 'Natarajan', email: 'pnatarajan@northwindlaw.example', phone: '(555) 318-2201' },
    { id: 3104, companyId: 251, firstName: 'Tom', lastName: 'Becker', email: 'tbecker@northwindlaw.example', phone: '(555) 318-2214' },
    { id: 3105, companyId: 252, firstName: 'Greg', lastName: 'Olsen', email: 'golsen@fabrikam.example', phone: '(555) 442-9020' },
    { id: 3106, companyId: 252, firstName: 'Dana', lastName: 'Whitfield', email: 'dwhitfield@fabrikam.example', phone: '(555) 442-9035' },
    { id: 3107, companyId: 253, firstName: 'Lena', lastName: 'Park', email: 'lpark@adatumcpa.example', phone: '(555) 610-7740' },
    { id: 3108, companyId: 254, firstName: 'Marcus', lastName: 'Hale', email: 'mhale@tailspinvet.example', phone: '(555) 733-1181' },
  ];
  const members: SimMember[] = [
    { id: 148, identifier: 'jdoe', firstName: 'John', lastName: 'Doe', primaryEmail: 'john.doe@bluewave-it.example', officeEmail: 'john.doe@bluewave-it.example', title: 'Service Desk Engineer', inactiveFlag: false },
    { id: 151, identifier: 'asmith', firstName: 'Alice', lastName: 'Smith', primaryEmail: 'alice.smith@bluewave-it.example', officeEmail: null, title: 'Senior Systems Engineer', inactiveFlag: false },
    { id: 163, identifier: 'rkumar', firstName: 'Ravi', lastName: 'Kumar', primaryEmail: 'ravi.kumar@bluewave-it.example', officeEmail: 'rkumar@bluewave-it.example', title: 'Network Engineer', inactiveFlag: false },
    { id: 170, identifier: 'mchen', firstName: 'Mei', lastName: 'Chen', primaryEmail: 'mei.chen@bluewave-it.example', officeEmail: null, title: 'Service Desk Engineer', inactiveFlag: false },
    { id: 122, identifier: 'bwalsh', firstName: 'Brian', lastName: 'Walsh', primaryEmail: 'brian.walsh@bluewave-it.example', officeEmail: null, title: 'Former Technician', inactiveFlag: true },
    { id: 199, identifier: 'FlowPilotAPI', firstName: 'FlowPilot', lastName: 'Integration', primaryEmail: 'integrations@bluewave-it.example', officeEmail: null, title: 'API Member', inactiveFlag: false, apiMember: true },
  ];
  const serviceStatuses: SimStatus[] = [
    { id: 531, name: 'New' },
    { id: 532, name: 'In Progress' },
    { id: 533, name: 'Waiting on Client' },
    { id: 534, name: 'Scheduled' },
    { id: 535, name: 'Escalated' },
    { id: 536, name: '>Closed' },
    // Retired when the MSP reorganised its board: still on the board's list, no longer selectable.
    { id: 537, name: 'Waiting on Vendor', inactive: true },
  ];
  const boards: SimBoard[] = [
    { id: 1, name: 'Help Desk', location: 'Main', department: 'Service', statuses: serviceStatuses },
    { id: 4, name: 'Network Operations', location: 'Main', department: 'Network', statuses: serviceStatuses.map((s) => ({ ...s, id: s.id + 100 })) },
    { id: 7, name: 'Projects Intake', location: 'Main', department: 'Projects', statuses: [{ id: 751, name: 'New' }, { id: 752, name: 'Quoted' }, { id: 753, name: '>Closed' }] },
    // Tier 2 for escalations: its own statuses, none shared with the Help Desk.
    { id: 9, name: 'Tier 2 Escalations', location: 'Main', department: 'Service',
      statuses: [{ id: 901, name: 'New (Escalated)' }, { id: 902, name: 'Engineer Assigned' }, { id: 903, name: 'Waiting on Tier 1' }, { id: 904, name: '>Closed' }] },
    // Retired when the MSP merged its desks: ConnectWise still lists it with inactiveFlag true.
    { id: 11, name: 'Legacy Desk (retired)', location: 'Main', department: 'Service', inactive: true, statuses: [{ id: 1101, name: 'New' }, { id: 1102, name: '>Closed' }] },
  ];
  const priorities: SimPriority[] = [
    { id: 1, name: 'Priority 1 - Critical', sort: 1 },
    { id: 2, name: 'Priority 2 - High', sort: 2 },
    { id: 3, name: 'Priority 3 - Medium', sort: 3 },
    { id: 4, name: 'Priority 4 - Low', sort: 4 },
  ];

  type TicketSeed = Omit<SimTicket, 'closedFlag' | 'closedDate' | 'lastUpdated' | 'updatedBy' | 'enteredBy' | 'source'> & {
    source?: string;
    description: string;
    later?: Array<{ text: string; memberId: number | null; contactId?: number; internal?: boolean; resolution?: boolean; day: number; hour: number }>;
  };
  const t = (s: TicketSeed) => s;
  const seeds: TicketSeed[] = [
    t({ id: 184201, summary: 'Outlook keeps prompting for password after Microsoft 365 migration', boardId: 1, statusId: 532, companyId: 250, contactId: 3101, priorityId: 3, typeName: 'Email', severity: 'Medium', impact: 'Low', ownerId: 148, dateEntered: at(0, 8, 12),
      description: 'Since the move to Microsoft 365 on Friday, Outlook on the front-desk PC (CDG-FRONT-02) asks for the password every few minutes. Webmail works fine. User: mlopez@contosodental.example',
      later: [{ text: 'Called Maria, confirmed the prompt appears even after entering the correct password. Credential Manager has old Exchange entries.', memberId: 148, internal: true, day: 0, hour: 9 }] }),
    t({ id: 184202, summary: 'VPN drops every 10 minutes for remote staff', boardId: 4, statusId: 632, companyId: 251, contactId: 3103, priorityId: 2, typeName: 'Network', severity: 'High', impact: 'Medium', ownerId: 163, dateEntered: at(0, 8, 40),
      description: 'Three attorneys working from home lose the GlobalProtect VPN every ~10 minutes since Thursday. Error in the client: "Tunnel down due to keepalive timeout". Office internet seems fine.',
      later: [
        { text: 'Firewall shows IKE rekey failures for the remote peers around the drop times.', memberId: 163, internal: true, day: 0, hour: 10 },
        { text: 'It happened again just now during a client call. Please hurry.', memberId: null, contactId: 3103, day: 0, hour: 11 },
      ] }),
    t({ id: 184203, summary: 'New hire onboarding - Dana Whitfield (start Monday)', boardId: 1, statusId: 534, companyId: 252, contactId: 3106, priorityId: 3, typeName: 'User Admin', severity: 'Low', impact: 'Low', ownerId: 170, dateEntered: at(0, 9, 5),
      description: 'Please set up Dana Whitfield (Purchasing) with an M365 account, shared drive access to \\\\fab-fs01\\purchasing, a laptop from stock and ERP login. Start date Monday.' }),
    t({ id: 184204, summary: '[126585259] Disk alert: C: below 5% on NW-SQL01', boardId: 4, statusId: 631, companyId: 251, contactId: null, priorityId: 2, typeName: 'Monitoring', severity: 'High', impact: 'High', ownerId: null, source: 'Monitoring', dateEntered: at(0, 10, 2),
      description: 'Alert from RMM. Ticket #: 126585259\nDevice: NW-SQL01\nCondition: Free space on C: is 3.8% (7.6 GB of 200 GB)\nFirst seen: 2026-11-16 05:58 UTC' }),
    t({ id: 184205, summary: 'Printer in exam room 3 prints blank pages', boardId: 1, statusId: 531, companyId: 254, contactId: 3108, priorityId: 4, typeName: 'Hardware', severity: 'Low', impact: 'Low', ownerId: null, dateEntered: at(0, 11, 30),
      description: 'The HP LaserJet M404 in exam room 3 feeds paper but every page comes out blank. We already replaced the toner cartridge.' }),
    t({ id: 184206, summary: 'QuickBooks database server manager not starting after Windows update', boardId: 1, statusId: 532, companyId: 253, contactId: 3107, priorityId: 2, typeName: 'Application', severity: 'High', impact: 'Medium', ownerId: 151, dateEntered: at(1, 7, 55),
      description: 'Nobody can open the company file this morning. On ADATUM-FS1 the QuickBooksDB34 service stops right after starting. Event log shows error 1069 (logon failure).',
      later: [{ text: 'QBDataServiceUser34 password was reset by the update policy; service logon failing. Investigating.', memberId: 151, internal: true, day: 1, hour: 8 }] }),
    t({ id: 184207, summary: 'Wi-Fi slow in the warehouse', boardId: 4, statusId: 633, companyId: 252, contactId: 3105, priorityId: 3, typeName: 'Network', severity: 'Medium', impact: 'Medium', ownerId: 163, dateEntered: at(1, 9, 20),
      description: 'Handheld scanners in the warehouse keep losing connection and pages load slowly near dock doors 4-6.',
      later: [{ text: 'Sent a survey request, waiting for Greg to confirm when the dock area is accessible.', memberId: 163, day: 1, hour: 12 }] }),
    t({ id: 184208, summary: 'Shared mailbox "billing@" missing from Outlook', boardId: 1, statusId: 536, companyId: 250, contactId: 3102, priorityId: 4, typeName: 'Email', severity: 'Low', impact: 'Low', ownerId: 170, dateEntered: at(1, 10, 45),
      description: 'Dr. Reyes no longer sees the billing@ shared mailbox in Outlook.',
      later: [{ text: 'Re-added Full Access permission with automapping; mailbox reappeared after Outlook restart.', memberId: 170, resolution: true, day: 1, hour: 11 }] }),
    t({ id: 184209, summary: 'BitLocker recovery key prompt on laptop after BIOS update', boardId: 1, statusId: 531, companyId: 251, contactId: 3104, priorityId: 2, typeName: 'Security', severity: 'Medium', impact: 'Low', ownerId: null, dateEntered: at(2, 8, 5),
      description: 'Tom\'s laptop (NW-LT-0142) asks for the BitLocker recovery key after last night\'s Dell BIOS update. He is travelling today.' }),
    t({ id: 184210, summary: 'Scan to email fails on Ricoh copier', boardId: 1, statusId: 533, companyId: 253, contactId: 3107, priorityId: 3, typeName: 'Hardware', severity: 'Low', impact: 'Medium', ownerId: 148, dateEntered: at(2, 9, 10),
      description: 'Scanning to email from the Ricoh IM C3000 gives "Transmission failed" since this morning. Scan to folder still works.',
      later: [{ text: 'Asked Lena to send a photo of the error log page; Microsoft 365 disabled basic SMTP auth on the tenant.', memberId: 148, day: 2, hour: 10 }] }),
    t({ id: 184211, summary: 'Backup job failed: NW-FS01 nightly (VSS error)', boardId: 4, statusId: 635, companyId: 251, contactId: null, priorityId: 1, typeName: 'Backup', severity: 'High', impact: 'High', ownerId: 151, source: 'Monitoring', dateEntered: at(2, 6, 15),
      description: 'Veeam job "NW-FS01 nightly" failed: Failed to create VSS snapshot. Error: VSS_E_UNEXPECTED_PROVIDER_ERROR (0x8004230f). Third failure in a row.' }),
    t({ id: 184212, summary: 'Quote request: 5 new workstations for front office', boardId: 7, statusId: 752, companyId: 254, contactId: 3108, priorityId: 4, typeName: null, severity: 'Low', impact: 'Low', ownerId: 151, dateEntered: at(2, 13, 0),
      description: 'Marcus asked for pricing on 5 desktops to replace the front office PCs (Windows 11 Pro, 16 GB RAM).' }),
    t({ id: 184213, summary: 'User locked out repeatedly - possible stale credentials on phone', boardId: 1, statusId: 532, companyId: 252, contactId: 3105, priorityId: 2, typeName: 'Security', severity: 'Medium', impact: 'Low', ownerId: 170, dateEntered: at(3, 8, 25),
      description: 'Greg\'s AD account gets locked out every 30-60 minutes. Lockout source per DC event 4740 is FAB-DC01, caller computer blank.' }),
    t({ id: 184214, summary: 'Phones: no dial tone at Sarasota office', boardId: 4, statusId: 631, companyId: 253, contactId: 3107, priorityId: 1, typeName: 'Telephony', severity: 'High', impact: 'High', ownerId: null, dateEntered: at(3, 7, 40),
      description: 'All desk phones at the Sarasota office show "No Service" since 7:30. Internet is up.' }),
    t({ id: 184215, summary: 'Server room temperature sensor alerts (recurring)', boardId: 4, statusId: 632, companyId: 252, contactId: 3105, priorityId: 3, typeName: 'Monitoring', severity: 'Medium', impact: 'Medium', ownerId: 163, source: 'Monitoring', dateEntered: at(0, 6, 0),
      description: 'Environmental sensor in the Fabrikam server room reports temperature above 27 C several times a day. HVAC vendor visited last month.' }),
  ];

  const tickets: SimTicket[] = [];
  const notes: SimNote[] = [];
  let noteId = 7_811_000;
  const memberName = (id: number | null) => (id === null ? null : members.find((m) => m.id === id)?.identifier ?? null);
  for (const s of seeds) {
    const board = boards.find((b) => b.id === s.boardId)!;
    const status = board.statuses.find((st) => st.id === s.statusId)!;
    const closed = status.name.startsWith('>Closed');
    const entered = s.source === 'Monitoring' ? 'RMMIntegration' : memberName(s.ownerId) ?? 'jdoe';
    const ticket: SimTicket = {
      id: s.id, summary: s.summary, boardId: s.boardId, statusId: s.statusId, companyId: s.companyId, contactId: s.contactId,
      priorityId: s.priorityId, typeName: s.typeName, severity: s.severity, impact: s.impact, ownerId: s.ownerId,
      source: s.source ?? (s.contactId ? 'Phone' : 'Email Connector'), closedFlag: closed, closedDate: null,
      dateEntered: s.dateEntered, enteredBy: entered, lastUpdated: s.dateEntered, updatedBy: entered,
    };
    tickets.push(ticket);
    notes.push({
      id: noteId++, ticketId: s.id, text: s.description, detailDescriptionFlag: true, internalAnalysisFlag: false, resolutionFlag: false,
      customerUpdatedFlag: false, processNotifications: false, memberId: s.source === 'Monitoring' ? null : s.ownerId ?? 148,
      contactId: s.source === 'Monitoring' ? null : null, dateCreated: s.dateEntered, createdBy: entered,
    });
    for (const n of s.later ?? []) {
      const date = at(n.day, n.hour, 5);
      notes.push({
        id: noteId++, ticketId: s.id, text: n.text, detailDescriptionFlag: !n.internal && !n.resolution, internalAnalysisFlag: !!n.internal,
        resolutionFlag: !!n.resolution, customerUpdatedFlag: n.contactId !== undefined, processNotifications: false, memberId: n.memberId,
        contactId: n.contactId ?? null, dateCreated: date, createdBy: memberName(n.memberId) ?? 'Portal',
      });
      ticket.lastUpdated = date;
      ticket.updatedBy = memberName(n.memberId) ?? 'Portal';
    }
    if (closed) ticket.closedDate = ticket.lastUpdated;
  }
  // The recurring sensor ticket has collected many monitoring updates: more than one page of notes.
  for (let i = 0; i < 40; i++) {
    const hour = 9 + Math.floor(i / 4);
    notes.push({
      id: noteId++, ticketId: 184215, text: `Sensor FAB-ENV-01 reading ${27 + (i % 5) * 0.4} C at check ${i + 1}; alert auto-appended by RMM.`,
      detailDescriptionFlag: false, internalAnalysisFlag: true, resolutionFlag: false, customerUpdatedFlag: false, processNotifications: false,
      memberId: null, contactId: null, dateCreated: at(Math.floor(hour / 24), hour % 24 || 8, (i * 7) % 60), createdBy: 'RMMIntegration',
    });
  }
  notes.sort((a, b) => a.id - b.id);
  return {
    companies, contacts, members, boards, priorities, tickets, notes, timeEntries: [],
    nextIds: { ticket: 184300, note: noteId + 100, timeEntry: 5_201_000 },
  };
}
