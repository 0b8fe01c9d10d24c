// The library's folders: one per category, in name order, with the flows that have none last. A search shows
// its ranked answer instead (grouping would undo the ranking).
export const NO_FOLDER = 'No category';

export function foldersOf<F extends { category: string | null }>(flows: readonly F[]): { name: string; flows: F[] }[] {
  const byName = new Map<string, F[]>();
  for (const f of flows) {
    const name = f.category?.trim() || NO_FOLDER;
    byName.set(name, [...(byName.get(name) ?? []), f]);
  }
  const names = [...byName.keys()].filter((n) => n !== NO_FOLDER).sort((a, b) => a.localeCompare(b));
  if (byName.has(NO_FOLDER)) names.push(NO_FOLDER);
  return names.map((name) => ({ name, flows: byName.get(name)! }));
}
