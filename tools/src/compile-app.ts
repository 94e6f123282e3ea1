import { basename, extname, resolve } from 'node:path';
import { build } from 'esbuild';

/**
 * `tsx ../../tools/src/compile-app.ts src/main.ts [src/cli.ts ...]`, run from a project's folder by its
 * `build` script: compiles each entry point to `dist/<name>.js`, the file the production image runs with
 * `node`. Our `@btc/*` libs are TypeScript sources, so they are inlined; every npm package stays a
 * `require` and comes from `npm ci --omit=dev` in the image (native modules and webpack included).
 * Type checking is the `tsc --noEmit` step before this one.
 */
async function main(entries: string[]): Promise<void> {
  if (entries.length === 0) throw new Error('usage: compile-app.ts <entry.ts> [...]');
  const outdir = resolve('dist');
  await build({
    entryPoints: entries,
    outdir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    // The lowest Node the repo still runs on (the quick start on Node 20); the images run Node 24.
    target: 'node20',
    // Paths that tsconfig `paths` maps (our libs) are bundled; every other bare import is a package.
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
  for (const entry of entries) console.log(`compiled ${entry} -> dist/${basename(entry, extname(entry))}.js`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
