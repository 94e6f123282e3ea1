import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One text replacement in FerretDB's source, refused when the text is not found exactly `count` times. */
interface SourcePatch {
  file: string;
  why: string;
  original: string;
  patched: string;
  count: number;
}

/**
 * FerretDB v1's SQLite backend pushes a filter down to SQL only when it is exactly `{_id: <string or
 * ObjectId>}`; any other filter, `{_id, version}` included, decodes every document of the collection
 * (internal/backends/sqlite/collection.go, `Query` and `Explain`). The handlers apply the whole filter
 * again to what the backend returns (`common.FilterIterator`), so pushing down the `_id` equality of
 * any filter that has one returns the same documents.
 */
const ID_PUSHDOWN: SourcePatch = {
  file: 'internal/backends/sqlite/collection.go',
  why: '_id pushdown',
  original: `	// that logic should exist in one place
	// TODO https://github.com/FerretDB/FerretDB/issues/3235
	if params.Filter.Len() == 1 {
		v, _ := params.Filter.Get("_id")`,
  patched: `	// Patched by tools/src/ferretdb-patches.ts: the _id equality of any filter is pushed down.
	if params.Filter != nil {
		v, _ := params.Filter.Get("_id")`,
  count: 2,
};

/**
 * FerretDB v1 updates a document by reading it, applying the update in Go and writing the result back
 * by `_id`, with nothing between the read and the write: two concurrent `updateOne({_id, version: n})`
 * both match version n and both report `matchedCount: 1`, the second write silently replacing the
 * first. MongoDB applies a filtered update atomically per document, and the cache's compare-and-set
 * relies on it (the fault campaign found two refreshes of one user both "winning"). The runner makes
 * each update and findAndModify command exclusive per collection, which restores MongoDB's guarantee.
 */
const ATOMIC_UPDATE: SourcePatch = {
  file: 'internal/handler/msg_update.go',
  why: 'atomic update',
  original: `func (h *Handler) updateDocument(ctx context.Context, params *common.UpdateParams) (int32, int32, *types.Array, error) {
`,
  patched: `func (h *Handler) updateDocument(ctx context.Context, params *common.UpdateParams) (int32, int32, *types.Array, error) {
	defer lockCollectionUpdates(params.DB, params.Collection)() // patched by tools/src/ferretdb-patches.ts
`,
  count: 1,
};

const ATOMIC_FIND_AND_MODIFY: SourcePatch = {
  file: 'internal/handler/msg_findandmodify.go',
  why: 'atomic findAndModify',
  original: `func (h *Handler) findAndModifyDocument(ctx context.Context, params *common.FindAndModifyParams) (*findAndModifyResult, error) {
`,
  patched: `func (h *Handler) findAndModifyDocument(ctx context.Context, params *common.FindAndModifyParams) (*findAndModifyResult, error) {
	defer lockCollectionUpdates(params.DB, params.Collection)() // patched by tools/src/ferretdb-patches.ts
`,
  count: 1,
};

export const PATCHES: readonly SourcePatch[] = [ID_PUSHDOWN, ATOMIC_UPDATE, ATOMIC_FIND_AND_MODIFY];

/** Added to FerretDB's handler package: one mutex per collection that updates take in turn. */
const UPDATE_LOCK_FILE = {
  file: 'internal/handler/update_lock_patch.go',
  source: `// Added by tools/src/ferretdb-patches.ts: read-modify-write updates of one collection run one at a time.

package handler

import "sync"

var collectionUpdateLocks sync.Map

func lockCollectionUpdates(db, collection string) func() {
	m, _ := collectionUpdateLocks.LoadOrStore(db+"\\x00"+collection, new(sync.Mutex))
	mu := m.(*sync.Mutex)
	mu.Lock()
	return mu.Unlock
}
`,
};

export class FerretDbPatchError extends Error {
  readonly type = 'ferretdb-patch';
}

/** The patched source, or an error when FerretDB's file is not the one the patch was written for. */
export function applyPatch(patch: SourcePatch, source: string): string {
  const found = source.split(patch.original).length - 1;
  if (found !== patch.count) {
    throw new FerretDbPatchError(
      `${patch.file} has ${found} of the ${patch.count} expected places for the ${patch.why} patch; ` +
        'the patches were written for FerretDB v1.24.0',
    );
  }
  return source.split(patch.original).join(patch.patched);
}

/**
 * Copies FerretDB's module into `outDir`, patches the copy, and writes a go.mod (and go.sum) that
 * build the runner against it; returns the go.mod's path for `go build -modfile`. (A `replace` in a
 * build-only go.mod: Go refuses overlays of module-cache files; the module cache and the runner's
 * own go.mod are left untouched.)
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
  for (const patch of PATCHES) {
    const file = join(copy, patch.file);
    chmodSync(file, 0o644);
    writeFileSync(file, applyPatch(patch, readFileSync(file, 'utf8')));
  }
  chmodSync(join(copy, 'internal', 'handler'), 0o755);
  writeFileSync(join(copy, UPDATE_LOCK_FILE.file), UPDATE_LOCK_FILE.source);
  const modfile = join(outDir, 'go.mod');
  const goMod = readFileSync(join(runnerDir, 'go.mod'), 'utf8');
  writeFileSync(modfile, `${goMod}\nreplace github.com/FerretDB/FerretDB => ${copy}\n`);
  copyFileSync(join(runnerDir, 'go.sum'), join(outDir, 'go.sum'));
  return modfile;
}
