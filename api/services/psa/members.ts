// Member mapping: which ConnectWise member each of our users posts as (matched by email automatically, or set by hand).
import type { Tx } from '../../db/database.js';
import { unprocessable } from '../../lib/errors.js';
import type { CwMember } from './connectwise/types.js';

export interface MappingRow {
  user_id: string;
  name: string;
  email: string;
  role: string;
  psa_member_identifier: string | null;
  psa_member_id: string | null;
  matched_by: 'auto' | 'manual' | null;
}

export async function listMappings(tx: Tx): Promise<MappingRow[]> {
  return tx<MappingRow[]>`
    select u.id as user_id, u.name, u.email, u.role, m.psa_member_identifier, m.psa_member_id, m.matched_by
    from users u left join member_mappings m on m.user_id = u.id
    where u.disabled_at is null
    order by u.created_at, u.id`;
}

export const mappingView = (r: MappingRow) => ({
  userId: r.user_id,
  name: r.name,
  email: r.email,
  role: r.role,
  member: r.psa_member_identifier ? { identifier: r.psa_member_identifier, id: r.psa_member_id, matchedBy: r.matched_by } : null,
});

export const memberView = (m: CwMember) => ({
  id: m.id,
  identifier: m.identifier,
  name: [m.firstName, m.lastName].filter(Boolean).join(' ') || m.identifier,
  email: m.primaryEmail ?? m.officeEmail ?? null,
  inactive: m.inactiveFlag,
});

const emailsOf = (m: CwMember) => [m.primaryEmail, m.officeEmail].filter((e): e is string => !!e).map((e) => e.trim().toLowerCase());

/** Maps each unmapped user to the one active member with the same email; ambiguous or missing matches stay unmapped. */
export async function autoMatch(tx: Tx, accountId: string, members: CwMember[]): Promise<number> {
  const active = members.filter((m) => !m.inactiveFlag);
  let matched = 0;
  for (const u of await listMappings(tx)) {
    if (u.psa_member_identifier) continue;
    const hits = active.filter((m) => emailsOf(m).includes(u.email.toLowerCase()));
    if (hits.length !== 1) continue;
    const m = hits[0]!;
    await tx`
      insert into member_mappings (account_id, user_id, psa_member_id, psa_member_identifier, matched_by)
      values (${accountId}, ${u.user_id}, ${String(m.id)}, ${m.identifier}, 'auto')
      on conflict (account_id, user_id) do nothing`;
    matched++;
  }
  return matched;
}

/** Manual mappings; `memberIdentifier: null` removes one. Identifiers must be active ConnectWise members. */
export async function setMappings(tx: Tx, accountId: string, entries: Array<{ userId: string; memberIdentifier: string | null }>, members: CwMember[]): Promise<void> {
  const users = new Set((await listMappings(tx)).map((u) => u.user_id));
  for (const e of entries) {
    if (!users.has(e.userId)) throw unprocessable(`User ${e.userId} is not an active user of this account.`, 'unknown_user');
    if (e.memberIdentifier === null) {
      await tx`delete from member_mappings where user_id = ${e.userId}`;
      continue;
    }
    const wanted = e.memberIdentifier.toLowerCase();
    const m = members.find((x) => x.identifier.toLowerCase() === wanted);
    if (!m) throw unprocessable(`ConnectWise has no member "${e.memberIdentifier}".`, 'unknown_member');
    if (m.inactiveFlag) throw unprocessable(`ConnectWise member "${m.identifier}" is inactive; notes cannot be entered as them.`, 'inactive_member');
    await tx`
      insert into member_mappings (account_id, user_id, psa_member_id, psa_member_identifier, matched_by)
      values (${accountId}, ${e.userId}, ${String(m.id)}, ${m.identifier}, 'manual')
      on conflict (account_id, user_id) do update set psa_member_id = excluded.psa_member_id,
        psa_member_identifier = excluded.psa_member_identifier, matched_by = 'manual', updated_at = now()`;
  }
}

export async function memberFor(tx: Tx, userId: string): Promise<string | null> {
  const [row] = await tx<[{ psa_member_identifier: string }?]>`select psa_member_identifier from member_mappings where user_id = ${userId}`;
  return row?.psa_member_identifier ?? null;
}
