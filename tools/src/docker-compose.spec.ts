import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKER_HEAP_MB } from '@btc/config';
import { parse } from 'yaml';
import { repoRoot } from './paths';

/**
 * There is no Docker engine on the machines that run `npm test`, so the images and the compose stack are
 * checked by reading them: what the files say is what `docker compose up` would do.
 */

interface ComposeService {
  image?: string;
  build?: { context: string; target?: string };
  command?: string[];
  entrypoint?: string[];
  user?: string;
  volumes?: string[];
  healthcheck?: { test: string[]; retries?: number };
  depends_on?: Record<string, { condition: string }>;
  restart?: string;
  environment?: Record<string, string | number>;
  env_file?: unknown;
  ports?: string[];
  logging?: { driver: string; options?: Record<string, string> };
  init?: boolean;
  stop_grace_period?: string;
}

interface Stage {
  name: string;
  from: string;
  instructions: { op: string; args: string }[];
}

const compose = parse(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const services = Object.entries(compose.services);
const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
const stages = parseDockerfile(dockerfile);

function parseDockerfile(text: string): Stage[] {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const globalArgs = new Map<string, string>();
  const result: Stage[] = [];
  for (const line of lines) {
    const [op = '', ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    if (op === 'ARG' && result.length === 0) {
      const [key = '', value = ''] = args.split('=');
      globalArgs.set(key, value);
    } else if (op === 'FROM') {
      const [image = '', , name = ''] = rest;
      result.push({
        name,
        from: image.replace(/\$\{(\w+)\}/g, (_, k: string) => globalArgs.get(k) ?? ''),
        instructions: [],
      });
    } else {
      result.at(-1)?.instructions.push({ op, args });
    }
  }
  return result;
}

function stage(name: string): Stage {
  const found = stages.find((s) => s.name === name);
  if (!found) throw new Error(`no stage ${name} in the Dockerfile`);
  return found;
}

/** The stage and its ancestors' instructions, nearest first (what a target inherits). */
function lineage(name: string): Stage[] {
  const chain: Stage[] = [];
  for (let s: Stage | undefined = stage(name); s; s = stages.find((p) => p.name === s?.from)) chain.push(s);
  return chain;
}

function inherited(name: string, op: string): string | undefined {
  for (const s of lineage(name)) {
    const found = s.instructions.findLast((i) => i.op === op);
    if (found) return found.args;
  }
  return undefined;
}

const appServices = services.filter(([, s]) => s.build !== undefined);
const imageServices = services.filter(([, s]) => s.build === undefined);

describe('the production images (Dockerfile)', () => {
  it('every stage starts from Node 24 (the LTS the repo targets)', () => {
    for (const s of stages.filter((st) => !stages.some((p) => p.name === st.from))) {
      expect(s.from).toMatch(/^node:24(\.|-|$)/);
    }
  });

  it('the runtime installs production dependencies only and runs as the unprivileged node user', () => {
    const runs = stage('runtime').instructions.filter((i) => i.op === 'RUN');
    expect(runs.some((r) => r.args.includes('npm ci --omit=dev'))).toBe(true);
    expect(runs.every((r) => !/--include=dev|npm ci --no-audit --no-fund(?! --omit)/.test(r.args))).toBe(true);
    for (const target of ['worker', 'scheduler', 'migrate', 'bytemark-simulator']) {
      expect(inherited(target, 'USER')).toBe('node');
    }
  });

  it('each target runs compiled JavaScript with node, from a file its project build writes', () => {
    for (const target of ['worker', 'scheduler', 'migrate', 'bytemark-simulator']) {
      const [node, ...args] = JSON.parse(inherited(target, 'CMD') ?? '[]') as string[];
      expect(node).toBe('node');
      const script = args.find((a) => !a.startsWith('--')) ?? '';
      const [, project = '', entry = ''] = /^(.+)\/dist\/([\w-]+)\.js$/.exec(script) ?? [];
      const build = (
        JSON.parse(readFileSync(join(repoRoot, project, 'package.json'), 'utf8')) as {
          scripts: Record<string, string>;
        }
      ).scripts['build'];
      expect(build).toMatch(new RegExp(`compile-app\\.ts( src/[\\w-]+\\.ts)* src/${entry}\\.ts`));
      expect(dockerfile).toContain(`COPY --from=build /app/${project}/dist/ ${project}/dist/`);
    }
    expect(dockerfile).not.toMatch(/\btsx\b/);
  });

  it("the worker runs with the shipped heap limit (WORKER_HEAP_MB), not one V8 sizes from the host's memory", () => {
    const cmd = JSON.parse(inherited('worker', 'CMD') ?? '[]') as string[];
    expect(cmd).toEqual(['node', `--max-old-space-size=${WORKER_HEAP_MB}`, 'apps/worker/dist/main.js']);
    const scripts = (
      JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    expect(scripts['worker']).toContain(`--max-old-space-size=${WORKER_HEAP_MB} `);
  });

  it('the worker image has a HEALTHCHECK on the worker health port', () => {
    const healthcheck = inherited('worker', 'HEALTHCHECK') ?? '';
    expect(healthcheck).toContain('process.env.WORKER_HEALTH_PORT || 9465');
    expect(inherited('worker', 'EXPOSE')).toContain('9465');
  });

  it('the build stage runs `npm run build`, which writes the workflow bundle the production worker requires', () => {
    expect(stage('build').instructions).toContainEqual({ op: 'RUN', args: 'npm run build' });
    const worker = JSON.parse(readFileSync(join(repoRoot, 'apps/worker/package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(worker.scripts['build']).toContain('tsx src/bundle-workflows.ts');
  });
});

describe('the compose stack (docker-compose.yml)', () => {
  it('Temporal runs the server image with schema setup by admin-tools of the same version, not auto-setup', () => {
    const images = imageServices.map(([, s]) => s.image ?? '');
    expect(images.filter((i) => i.includes('auto-setup'))).toEqual([]);
    const server = compose.services['temporal']?.image ?? '';
    expect(server).toMatch(/^temporalio\/server:\d+\.\d+\.\d+$/);
    const version = server.split(':')[1];
    expect(compose.services['temporal-schema']?.image).toBe(`temporalio/admin-tools:${version}`);
    expect(compose.services['temporal-namespace']?.image).toBe(`temporalio/admin-tools:${version}`);
    expect(compose.services['temporal']?.depends_on?.['temporal-schema']?.condition).toBe(
      'service_completed_successfully',
    );
    expect(compose.services['temporal-ui']?.image).toMatch(/^temporalio\/ui:\d+\.\d+\.\d+$/);
  });

  it('every third-party image is pinned to a tag other than latest', () => {
    for (const [name, s] of imageServices) {
      expect({ name, tag: s.image?.split(':')[1] }).toEqual({ name, tag: expect.not.stringMatching(/^(latest)?$/) });
    }
  });

  it('the scripts the admin-tools containers run exist and are executable', () => {
    for (const name of ['temporal-schema', 'temporal-namespace']) {
      const s = compose.services[name];
      const mount = s?.volumes?.[0]?.split(':') ?? [];
      const script = s?.command?.[0]?.replace(`${mount[1] ?? ''}/`, '') ?? '';
      const path = join(repoRoot, mount[0] ?? '', script);
      expect(existsSync(path)).toBe(true);
      accessSync(path, constants.X_OK);
    }
  });

  it('every service another waits on as healthy has a healthcheck (in compose or in its image)', () => {
    for (const [name, s] of services) {
      for (const [dependency, { condition }] of Object.entries(s.depends_on ?? {})) {
        const target = compose.services[dependency];
        expect({ name, dependency, exists: target !== undefined }).toEqual({ name, dependency, exists: true });
        if (condition === 'service_healthy') {
          const inImage = target?.build?.target ? inherited(target.build.target, 'HEALTHCHECK') : undefined;
          expect({ dependency, healthcheck: Boolean(target?.healthcheck ?? inImage) }).toEqual({
            dependency,
            healthcheck: true,
          });
        }
      }
    }
  });

  it('our services build Dockerfile targets, run them as built (node, compiled, non-root) in production', () => {
    expect(appServices.map(([name]) => name).sort()).toEqual(['bytemark-simulator', 'migrate', 'scheduler', 'worker']);
    for (const [name, s] of appServices) {
      expect({ name, context: s.build?.context }).toEqual({ name, context: '.' });
      stage(s.build?.target ?? '');
      expect(s.user).toBeUndefined();
      expect(s.environment?.['NODE_ENV']).toBe('production');
      if (s.command) expect(s.command[0]).toBe('node');
      expect(JSON.stringify(s.command ?? [])).not.toMatch(/tsx|npx/);
    }
  });
});

/** `${NAME:-default}` → default, `${NAME}` / `${NAME:?msg}` → undefined, anything else → itself. */
function composeDefault(value: string | number | undefined): string | undefined {
  const text = String(value ?? '');
  const m = /^\$\{\w+(?::-([^}]*))?(?::\?[^}]*)?\}$/.exec(text);
  return m ? m[1] : text;
}

function seconds(duration: string): number {
  const m = /^(\d+)(s|m)$/.exec(duration);
  if (!m) throw new Error(`not a duration in s or m: ${duration}`);
  return Number(m[1]) * (m[2] === 'm' ? 60 : 1);
}

const composeText = readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8');
const PASSWORD_VARIABLES = [
  'MYSQL_ROOT_PASSWORD',
  'MYSQL_PASSWORD',
  'MONGO_INITDB_ROOT_PASSWORD',
  'MONGO_APP_PASSWORD',
  'POSTGRES_PASSWORD',
  'POSTGRES_PWD',
  'SQL_PASSWORD',
];

describe('the compose stack is ready for production use', () => {
  it('names the Temporal namespace only through TEMPORAL_NAMESPACE, in every service and in the namespace script', () => {
    const uses = services.flatMap(([name, s]) =>
      Object.entries(s.environment ?? {})
        .filter(([k]) => /NAMESPACE$/.test(k) && !/RETENTION|WAIT/.test(k))
        .map(([k, v]) => ({ name, k, v: String(v) })),
    );
    expect(uses.map((u) => u.name).sort()).toEqual([
      'bytemark-simulator',
      'migrate',
      'scheduler',
      'temporal-namespace',
      'temporal-ui',
      'worker',
    ]);
    for (const u of uses) expect(u).toEqual({ ...u, v: '${TEMPORAL_NAMESPACE:-default}' });
    const script = readFileSync(join(repoRoot, 'deploy/temporal/create-namespace.sh'), 'utf8');
    expect(script).toContain('namespace=${TEMPORAL_NAMESPACE:?');
  });

  it('bounds every wait: loops in the scripts have a deadline and fail with a message, one-shots a restart cap', () => {
    for (const file of ['create-namespace.sh', 'setup-schema.sh']) {
      const lines = readFileSync(join(repoRoot, 'deploy/temporal', file), 'utf8').split('\n');
      lines.forEach((line, i) => {
        if (!/^\s*(until|while)\b/.test(line)) return;
        const end = lines.findIndex((l, j) => j > i && /^\s*done\b/.test(l));
        const body = lines.slice(i, end + 1).join('\n');
        expect({
          file,
          line: i + 1,
          deadline: /deadline/.test(body),
          fails: /exit 1/.test(body) && />&2/.test(body),
        }).toEqual({ file, line: i + 1, deadline: true, fails: true });
      });
    }
    for (const [name, s] of services) {
      if (s.healthcheck)
        expect({ name, retries: s.healthcheck.retries }).toEqual({ name, retries: expect.any(Number) });
      if (s.restart?.startsWith('on-failure'))
        expect({ name, restart: s.restart }).toEqual({ name, restart: expect.stringMatching(/^on-failure:\d+$/) });
    }
  });

  it('has no default password: each is required (${VAR:?...}), also inside the database URLs', () => {
    const passwords = services.flatMap(([name, s]) =>
      Object.entries(s.environment ?? {})
        .filter(([k]) => PASSWORD_VARIABLES.includes(k))
        .map(([k, v]) => ({ name, k, v: String(v) })),
    );
    expect(passwords.length).toBeGreaterThanOrEqual(PASSWORD_VARIABLES.length);
    for (const p of passwords) expect(p).toEqual({ ...p, v: expect.stringMatching(/^\$\{\w+:\?[^}]+\}$/) });
    for (const [name, s] of appServices) {
      const env = s.environment ?? {};
      expect({ name, mysql: String(env['MYSQL_URL']) }).toEqual({
        name,
        mysql: expect.stringMatching(
          /^mysql:\/\/\$\{MYSQL_USER:-\w+\}:\$\{MYSQL_PASSWORD:\?[^}]+\}@mysql:3306\/bytemark$/,
        ),
      });
      expect({ name, mongo: String(env['MONGO_URL']) }).toEqual({
        name,
        mongo: expect.stringMatching(
          /^mongodb:\/\/\$\{MONGO_USERNAME:-\w+\}:\$\{MONGO_PASSWORD:\?[^}]+\}@mongo:27017\/bytemark\?authSource=\w+$/,
        ),
      });
    }
    // No literal password-looking default anywhere (`${X:-secret}`).
    expect(composeText.match(/\$\{\w*(PASSWORD|PWD|SECRET|TOKEN|KEY)\w*:-[^}]+\}/g) ?? []).toEqual([]);
  });

  it('runs MongoDB with auth, the apps as a user of their own database, and keeps root passwords out of our containers', () => {
    const mongo = compose.services['mongo']?.environment ?? {};
    expect(mongo).toMatchObject({
      MONGO_INITDB_ROOT_USERNAME: expect.any(String),
      MONGO_INITDB_ROOT_PASSWORD: expect.stringMatching(/^\$\{MONGO_ROOT_PASSWORD:\?/),
    });
    const init = compose.services['mongo']?.volumes?.find((v) => v.includes('/docker-entrypoint-initdb.d/')) ?? '';
    expect(readFileSync(join(repoRoot, init.split(':')[0] ?? ''), 'utf8')).toContain(
      "roles: [{ role: 'readWrite', db: 'bytemark' }]",
    );
    for (const [name, s] of appServices) {
      expect({ name, env_file: s.env_file }).toEqual({ name, env_file: undefined });
      const leaked = Object.values(s.environment ?? {}).filter((v) =>
        /ROOT_PASSWORD|TEMPORAL_POSTGRES/.test(String(v)),
      );
      expect({ name, leaked }).toEqual({ name, leaked: [] });
    }
  });

  it('publishes ports on 127.0.0.1 unless BIND_ADDRESS says otherwise', () => {
    const ports = services.flatMap(([name, s]) => (s.ports ?? []).map((p) => ({ name, p })));
    expect(ports.length).toBeGreaterThanOrEqual(5);
    for (const p of ports)
      expect(p).toEqual({ ...p, p: expect.stringMatching(/^\$\{BIND_ADDRESS:-127\.0\.0\.1\}:\d+:\d+$/) });
  });

  it('pins versions: Node by full version on trixie (the one CI runs), Temporal by patch, the databases by minor', () => {
    const ci = readFileSync(join(repoRoot, '.ci/run'), 'utf8');
    const node = /^NODE24_VERSION=(\S+)$/m.exec(ci)?.[1];
    for (const s of stages.filter((st) => !stages.some((p) => p.name === st.from))) {
      expect(s.from).toBe(`node:${node}-trixie-slim`);
    }
    const image = (name: string) => compose.services[name]?.image ?? '';
    expect(image('temporal')).toMatch(/^temporalio\/server:\d+\.\d+\.\d+$/);
    expect(image('temporal-ui')).toMatch(/^temporalio\/ui:\d+\.\d+\.\d+$/);
    expect(image('postgresql')).toMatch(/^postgres:\d+\.\d+$/);
    expect(image('mysql')).toMatch(/^mysql:\d+\.\d+$/);
    expect(image('mongo')).toMatch(/^mongo:\d+\.\d+$/);
  });

  it('rotates every container log (json-file with max-size and max-file)', () => {
    for (const [name, s] of services) {
      expect({ name, logging: s.logging }).toEqual({
        name,
        logging: { driver: 'json-file', options: { 'max-size': expect.any(String), 'max-file': expect.any(String) } },
      });
    }
  });

  it('installs exactly the lockfile in the images: `npm ci`, never an `npm install` fallback', () => {
    const runs = stages.flatMap((st) => st.instructions.filter((i) => i.op === 'RUN').map((i) => i.args));
    expect(runs.filter((r) => r.includes('npm ci')).length).toBe(2);
    expect(runs.filter((r) => /npm (install|i)\b/.test(r))).toEqual([]);
  });

  it('has a lockfile `npm ci` accepts on any platform: every optional dependency it names has its own entry', () => {
    // npm 11 can write a lockfile without other platforms' optional packages (@swc/core-darwin-*, ...) and then
    // refuse it in `npm ci` ("Missing: ... from lock file"); an image built on another architecture would fail.
    const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { optionalDependencies?: Record<string, string> }>;
    };
    const resolves = (from: string, dep: string): boolean => {
      for (let base = from; ; base = base.slice(0, Math.max(0, base.lastIndexOf('/node_modules/')))) {
        if (lock.packages[base ? `${base}/node_modules/${dep}` : `node_modules/${dep}`]) return true;
        if (!base.includes('node_modules/')) return Boolean(lock.packages[`node_modules/${dep}`]);
      }
    };
    const missing = Object.entries(lock.packages).flatMap(([path, p]) =>
      Object.keys(p.optionalDependencies ?? {})
        .filter((dep) => !resolves(path, dep))
        .map((dep) => `${path || '(root)'} -> ${dep}`),
    );
    expect(missing).toEqual([]);
    expect(Object.keys(lock.packages)).toEqual(
      expect.arrayContaining(['node_modules/@swc/core-linux-arm64-gnu', 'node_modules/@esbuild/linux-arm64']),
    );
  });

  it('gives our services an init process and the worker at least its shutdown grace + force to stop', () => {
    for (const [name, s] of appServices) expect({ name, init: s.init }).toEqual({ name, init: true });
    const worker = compose.services['worker'];
    const env = worker?.environment ?? {};
    expect(env['WORKER_SHUTDOWN_GRACE_SECONDS']).toBe('${WORKER_SHUTDOWN_GRACE_SECONDS:-30}');
    expect(env['WORKER_SHUTDOWN_FORCE_SECONDS']).toBe('${WORKER_SHUTDOWN_FORCE_SECONDS:-15}');
    const needed =
      Number(composeDefault(env['WORKER_SHUTDOWN_GRACE_SECONDS'])) +
      Number(composeDefault(env['WORKER_SHUTDOWN_FORCE_SECONDS']));
    expect(seconds(worker?.stop_grace_period ?? '0s')).toBeGreaterThanOrEqual(needed);
  });

  it('starts the Temporal server with the mounted dynamic config that turns on task-queue priority', () => {
    const temporal = compose.services['temporal'];
    const path = String(temporal?.environment?.['DYNAMIC_CONFIG_FILE_PATH']);
    const mount = temporal?.volumes?.find((v) => v.split(':')[1] === path) ?? '';
    expect(mount).toMatch(/:ro$/);
    const config = parse(readFileSync(join(repoRoot, mount.split(':')[0] ?? ''), 'utf8')) as Record<string, unknown>;
    expect(config['matching.useNewMatcher']).toEqual([{ value: true }]);
  });

  it("checks the worker's readiness (GET /readyz) as the image's health", () => {
    expect(inherited('worker', 'HEALTHCHECK')).toContain("+ '/readyz'");
  });

  it('lists the new variables in .env.example, passwords without a value', () => {
    const example = readFileSync(join(repoRoot, '.env.example'), 'utf8');
    for (const name of [
      'WORKER_SHUTDOWN_GRACE_SECONDS',
      'WORKER_SHUTDOWN_FORCE_SECONDS',
      'BIND_ADDRESS',
      'TEMPORAL_NAMESPACE_WAIT_SECONDS',
    ]) {
      expect(example).toMatch(new RegExp(`^(# )?${name}=`, 'm'));
    }
    for (const name of composeText.match(/\$\{(\w*PASSWORD)\b/g)?.map((m) => m.slice(2)) ?? []) {
      expect(example).toMatch(new RegExp(`^# ${name}=$`, 'm'));
    }
  });
});
