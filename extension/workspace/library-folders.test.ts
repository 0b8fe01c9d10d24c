import { describe, expect, it } from 'vitest';
import { foldersOf, NO_FOLDER } from './library-folders';

describe('the library folders', () => {
  it('puts each flow in its category folder, folders by name, flows without one last, order kept inside', () => {
    const flows = [
      { id: '1', category: 'Network' },
      { id: '2', category: null },
      { id: '3', category: 'Accounts' },
      { id: '4', category: 'Network' },
      { id: '5', category: '  ' },
    ];
    expect(foldersOf(flows).map((f) => [f.name, f.flows.map((x) => x.id)])).toEqual([
      ['Accounts', ['3']],
      ['Network', ['1', '4']],
      [NO_FOLDER, ['2', '5']],
    ]);
    expect(foldersOf([])).toEqual([]);
  });
});
