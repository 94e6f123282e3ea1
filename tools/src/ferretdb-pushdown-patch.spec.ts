import { FerretDbPatchError, patchCollectionSource } from './ferretdb-pushdown-patch';

const block = (fn: string) => `func ${fn}() {
	// that logic should exist in one place
	// TODO https://github.com/FerretDB/FerretDB/issues/3235
	if params.Filter.Len() == 1 {
		v, _ := params.Filter.Get("_id")
	}
}
`;

describe('the FerretDB _id pushdown patch', () => {
  it('pushes down the _id equality of any filter in both Query and Explain', () => {
    const patched = patchCollectionSource(block('Query') + block('Explain'));
    expect(patched.match(/if params\.Filter != nil \{/g)).toHaveLength(2);
    expect(patched).not.toContain('params.Filter.Len() == 1');
  });

  it('refuses a FerretDB source it was not written for, instead of building something else', () => {
    expect(() => patchCollectionSource(block('Query'))).toThrow(FerretDbPatchError);
    expect(() => patchCollectionSource('package sqlite')).toThrow(/0 of the 2 expected/);
  });
});
