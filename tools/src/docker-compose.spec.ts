import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  restart?: string;
  environment?: Record<string, string | number>;
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
      const cmd = JSON.parse(inherited(target, 'CMD') ?? '[]') as string[];
      expect(cmd[0]).toBe('node');
      const [, project = '', entry = ''] = /^(.+)\/dist\/([\w-]+)\.js$/.exec(cmd[1] ?? '') ?? [];
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
