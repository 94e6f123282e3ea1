import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { preparePatchedFerretDb } from './ferretdb-patches';
import {
  COMPOSE_GO_VERSION,
  FERRETDB_VERSION,
  HELM_VERSION,
  TEMPORAL_CLI_VERSION,
  repoRoot,
  toolsBinDir,
  toolsCacheDir,
} from './paths';

export class ToolInstallError extends Error {
  readonly type = 'tool-install';
}

/** The binaries `ensureTools` can build; the local stack needs the first two, the deploy checks helm and compose-check. */
export type ToolBinary = 'temporal' | 'ferretdb-runner' | 'helm' | 'compose-check';

interface Tool {
  name: string;
  binary: ToolBinary;
  /** The cache key: a new value builds a new binary. */
  version: string;
  build(outDir: string, env: NodeJS.ProcessEnv): { command: string; args: string[]; cwd: string };
}

const tools: Tool[] = [
  {
    name: 'Temporal CLI',
    binary: 'temporal',
    version: TEMPORAL_CLI_VERSION,
    build: (outDir) => ({
      command: 'go',
      args: ['install', '-trimpath', `github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`],
      cwd: outDir,
    }),
  },
  {
    name: 'FerretDB runner',
    binary: 'ferretdb-runner',
    version: `${FERRETDB_VERSION}-${sourceHash('ferretdb-runner', [join(repoRoot, 'tools', 'src', 'ferretdb-patches.ts')])}`,
    build: (outDir, env) => {
      const cwd = join(repoRoot, 'tools', 'ferretdb-runner');
      const modfile = preparePatchedFerretDb(cwd, outDir, env);
      const output = join(outDir, 'ferretdb-runner');
      return { command: 'go', args: ['build', '-trimpath', '-modfile', modfile, '-o', output, '.'], cwd };
    },
  },
  {
    // About 3 minutes the first time on 2 cores (module downloads and compile), then cached like the others.
    // The version is stamped as helm's own Makefile does, so `helm version` names the pinned release.
    name: 'Helm',
    binary: 'helm',
    version: HELM_VERSION,
    build: (outDir) => ({
      command: 'go',
      args: [
        'install',
        '-trimpath',
        '-ldflags',
        `-X helm.sh/helm/v4/internal/version.version=${HELM_VERSION}`,
        `helm.sh/helm/v4/cmd/helm@${HELM_VERSION}`,
      ],
      cwd: outDir,
    }),
  },
  {
    // Our small Go program around compose-go (tools/compose-check): `docker compose config` without a Docker engine.
    name: 'compose-check',
    binary: 'compose-check',
    version: `${COMPOSE_GO_VERSION}-${sourceHash('compose-check')}`,
    build: (outDir) => ({
      command: 'go',
      args: ['build', '-trimpath', '-o', join(outDir, 'compose-check'), '.'],
      cwd: join(repoRoot, 'tools', 'compose-check'),
    }),
  },
];

/** Our Go programs' own source (and, for the runner, the FerretDB patch) is part of their cache key: an edit rebuilds. */
function sourceHash(program: string, extraFiles: string[] = []): string {
  const dir = join(repoRoot, 'tools', program);
  const hash = createHash('sha256');
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.go') || f.startsWith('go.'))
    .sort())
    hash.update(file).update(readFileSync(join(dir, file)));
  for (const file of extraFiles) hash.update(readFileSync(file));
  return hash.digest('hex').slice(0, 12);
}

function goAvailable(): boolean {
  return spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Builds each pinned binary (all of them, or those named) into the version-keyed cache if missing, and links
 * it into `.tools/bin`. Returns the link of each, by binary name.
 */
export function ensureTools(
  log: (line: string) => void,
  only: readonly ToolBinary[] = ['temporal', 'ferretdb-runner'],
): Partial<Record<ToolBinary, string>> {
  const paths: Partial<Record<ToolBinary, string>> = {};
  mkdirSync(toolsBinDir, { recursive: true });
  for (const tool of tools.filter((t) => only.includes(t.binary))) {
    const outDir = join(toolsCacheDir(), `${tool.binary}-${tool.version}`);
    const target = join(outDir, tool.binary);
    if (!existsSync(target)) {
      if (!goAvailable()) {
        throw new ToolInstallError(
          `${tool.name} ${tool.version} is not built yet and the Go toolchain was not found on PATH. ` +
            'Install Go 1.24 or newer (https://go.dev/dl), then run `npm run stack -- up` again.',
        );
      }
      log(`building ${tool.name} ${tool.version} into ${outDir} (first time only, a few minutes)...`);
      mkdirSync(outDir, { recursive: true });
      const env = { ...process.env, GOBIN: outDir, GOFLAGS: '-mod=mod' };
      let step: ReturnType<Tool['build']>;
      try {
        step = tool.build(outDir, env);
      } catch (error) {
        rmSync(outDir, { recursive: true, force: true });
        throw new ToolInstallError(
          `preparing the build of ${tool.name} ${tool.version} failed: ${(error as Error).message}`,
        );
      }
      const { command, args, cwd } = step;
      const started = Date.now();
      const result = spawnSync(command, args, {
        cwd,
        env,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
      if (result.status !== 0 || !existsSync(target)) {
        rmSync(outDir, { recursive: true, force: true });
        const tail = `${result.stderr ?? ''}${result.error?.message ?? ''}`.trim().split('\n').slice(-15).join('\n');
        throw new ToolInstallError(
          `building ${tool.name} ${tool.version} failed (\`${command} ${args.join(' ')}\` in ${cwd}).\n${tail}\n` +
            'Check that the Go module proxy is reachable (GOPROXY) and that Go is 1.24 or newer, then retry.',
        );
      }
      log(`built ${tool.name} in ${Math.round((Date.now() - started) / 1000)} s`);
    }
    const link = join(toolsBinDir, tool.binary);
    if (!existsSync(link) || readlinkSync(link) !== target) {
      rmSync(link, { force: true });
      symlinkSync(target, link);
    }
    paths[tool.binary] = link;
  }
  return paths;
}
