import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * FerretDB v1's SQLite backend pushes a filter down to SQL only when it is exactly `{_id: <string or
 * ObjectId>}`; any other filter, `{_id, version}` included, decodes every document of the collection
 * (internal/backends/sqlite/collection.go, `Query` and `Explain`). The handlers apply the whole filter
 * again to what the backend returns (`common.FilterIterator`), so pushing down the `_id` equality of
 * any filter that has one returns the same documents. The runner is built with that change against
 * a copy of the module in the build directory (`replace` in a build-only go.mod; Go refuses overlays
 * of module-cache files): the module cache and the runner's own go.mod are left untouched.
 */
const FILE = 'internal/backends/sqlite/collection.go';
const ORIGINAL = `	// that logic should exist in one place
	// TODO https://github.com/FerretDB/FerretDB/issues/3235
	if params.Filter.Len() == 1 {
		v, _ := params.Filter.Get("_id")`;
const PATCHED = `	// Patched by tools/src/ferretdb-pushdown-patch.ts: the _id equality of any filter is pushed down.
	if params.Filter != nil {
		v, _ := params.Filter.Get("_id")`;

export class FerretDbPatchError extends Error {
  readonly type = 'ferretdb-patch';
}

/** The patched source, or an error when FerretDB's file is not the one this patch was written for. */
export function patchCollectionSource(source: string): string {
  const found = source.split(ORIGINAL).length - 1;
  if (found !== 2) {
    throw new FerretDbPatchError(
      `${FILE} has ${found} of the 2 expected _id pushdown blocks; the patch was written for FerretDB v1.24.0`,
    );
  }
  return source.split(ORIGINAL).join(PATCHED);
}

/**
 * Copies FerretDB's module into `outDir`, patches the copy, and writes a go.mod (and go.sum) that
 * build the runner against it; returns the go.mod's path for `go build -modfile`.
 */
export function preparePatchedFerretDb(runnerDir: string, outDir: string, env: NodeJS.ProcessEnv): string {
  const download = spawnSync('go', ['mod', 'download', '-json', 'github.com/FerretDB/FerretDB'], {
    cwd: runnerDir,
    env,
    encoding: 'utf8',
  });
  if (download.status !== 0) {
    throw new FerretDbPatchError(
      `go mod download of FerretDB failed: ${download.stderr.trim().split('\n').slice(-5).join('\n')}`,
    );
  }
  const moduleDir = (JSON.parse(download.stdout) as { Dir: string }).Dir;
  const copy = join(outDir, 'ferretdb-src');
  cpSync(moduleDir, copy, { recursive: true });
  const file = join(copy, FILE);
  chmodSync(file, 0o644);
  writeFileSync(file, patchCollectionSource(readFileSync(file, 'utf8')));
  const modfile = join(outDir, 'go.mod');
  const goMod = readFileSync(join(runnerDir, 'go.mod'), 'utf8');
  writeFileSync(modfile, `${goMod}\nreplace github.com/FerretDB/FerretDB => ${copy}\n`);
  copyFileSync(join(runnerDir, 'go.sum'), join(outDir, 'go.sum'));
  return modfile;
}
