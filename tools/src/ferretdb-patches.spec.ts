import { FerretDbPatchError, PATCHES, applyPatch } from './ferretdb-patches';

const [pushdown, update, findAndModify] = PATCHES as [
  (typeof PATCHES)[number],
  (typeof PATCHES)[number],
  (typeof PATCHES)[number],
];

describe('the FerretDB _id pushdown patch', () => {
  const block = (fn: string) => `func ${fn}() {\n${pushdown.original}\n\t}\n}\n`;

  it('pushes down the _id equality of any filter in both Query and Explain', () => {
    const patched = applyPatch(pushdown, block('Query') + block('Explain'));
    expect(patched.match(/if params\.Filter != nil \{/g)).toHaveLength(2);
    expect(patched).not.toContain('params.Filter.Len() == 1');
  });

  it('refuses a FerretDB source it was not written for, instead of building something else', () => {
    expect(() => applyPatch(pushdown, block('Query'))).toThrow(FerretDbPatchError);
    expect(() => applyPatch(pushdown, 'package sqlite')).toThrow(/0 of the 2 expected/);
  });
});

describe('the FerretDB atomic update patches', () => {
  it.each([
    ['update', update],
    ['findAndModify', findAndModify],
  ])('%s takes the collection lock for the whole command', (_name, patch) => {
    const patched = applyPatch(patch, `package handler\n\n${patch.original}\treturn nil\n}\n`);
    expect(patched).toMatch(/\{\n\tdefer lockCollectionUpdates\(params\.DB, params\.Collection\)\(\)/);
    expect(() => applyPatch(patch, 'package handler')).toThrow(/0 of the 1 expected places/);
  });
});
