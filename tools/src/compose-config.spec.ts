import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureTools } from './install-tools';
import { repoRoot } from './paths';

/**
 * docker-compose.yml loaded by compose-go, the library Docker Compose itself loads files with (schema validation,
 * interpolation, normalization), through tools/compose-check: what `docker compose config` would say, without a
 * Docker engine. Only the variables given here are set (no .env file is read).
 */
interface Service {
  environment?: Record<string, string | null>;
  ports?: { host_ip?: string; published: string; target: number }[];
  logging?: { driver: string; options?: Record<string, string> };
  init?: boolean;
  stop_grace_period?: string;
  build?: object;
}

/** Distinct values, so a test can tell which secret went where. */
const SECRETS = {
  MYSQL_ROOT_PASSWORD: 'mysql-root-sentinel',
  MYSQL_PASSWORD: 'mysql-app-sentinel',
  MONGO_ROOT_PASSWORD: 'mongo-root-sentinel',
  MONGO_PASSWORD: 'mongo-app-sentinel',
  TEMPORAL_POSTGRES_PASSWORD: 'postgres-sentinel',
  TOKEN_ENCRYPTION_KEY: 'k1:token-key-sentinel',
};

let composeCheck = '';

function load(
  env: Record<string, string>,
  profiles: string[] = [],
): { status: number; services: Record<string, Service>; stderr: string } {
  const run = spawnSync(composeCheck, [join(repoRoot, 'docker-compose.yml'), ...profiles], {
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', ...env },
  });
  const services = run.status === 0 ? (JSON.parse(run.stdout) as { services: Record<string, Service> }).services : {};
  return { status: run.status ?? 1, services, stderr: run.stderr };
}

beforeAll(() => {
  composeCheck =
    ensureTools((line) => console.log(`[compose-config.spec] ${line}`), ['compose-check'])['compose-check'] ?? '';
}, 10 * 60_000);

describe('docker-compose.yml as Docker Compose loads it (compose-go)', () => {
  it('is valid with the required variables set, including the simulator profile', () => {
    const run = load(SECRETS, ['simulator']);
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(Object.keys(run.services).sort()).toEqual([
      'bytemark-simulator',
      'migrate',
      'mongo',
      'mysql',
      'postgresql',
      'scheduler',
      'temporal',
      'temporal-namespace',
      'temporal-schema',
      'temporal-ui',
      'worker',
    ]);
  });

  it('refuses to load without each password and the token key, naming each one', () => {
    const run = load({});
    expect(run.status).toBe(1);
    for (const name of Object.keys(SECRETS)) {
      expect(run.stderr).toContain(`required variable ${name} is missing a value: set ${name} in .env`);
    }
  });

  it('publishes every port on 127.0.0.1 by default, and on BIND_ADDRESS when it is set', () => {
    const ports = (services: Record<string, Service>) =>
      Object.entries(services).flatMap(([name, s]) =>
        (s.ports ?? []).map((p) => `${name} ${p.host_ip}:${p.published}`),
      );
    expect(ports(load(SECRETS, ['simulator']).services).sort()).toEqual([
      'bytemark-simulator 127.0.0.1:4010',
      'temporal 127.0.0.1:7233',
      'temporal-ui 127.0.0.1:8233',
      'worker 127.0.0.1:9464',
      'worker 127.0.0.1:9465',
    ]);
    const open = ports(load({ ...SECRETS, BIND_ADDRESS: '0.0.0.0' }).services);
    expect(open.every((p) => p.includes(' 0.0.0.0:'))).toBe(true);
  });

  it("gives our containers the app users' credentials and never a root password", () => {
    const { services } = load(SECRETS);
    for (const name of ['migrate', 'worker', 'scheduler']) {
      const env = services[name]?.environment ?? {};
      expect(env['MYSQL_URL']).toBe('mysql://bytemark:mysql-app-sentinel@mysql:3306/bytemark');
      expect(env['MONGO_URL']).toBe('mongodb://bytemark:mongo-app-sentinel@mongo:27017/bytemark?authSource=bytemark');
      const values = JSON.stringify(env);
      for (const root of ['mysql-root-sentinel', 'mongo-root-sentinel', 'postgres-sentinel']) {
        expect({ name, root, leaked: values.includes(root) }).toEqual({ name, root, leaked: false });
      }
    }
    expect(services['mongo']?.environment).toMatchObject({
      MONGO_INITDB_ROOT_PASSWORD: 'mongo-root-sentinel',
      MONGO_APP_PASSWORD: 'mongo-app-sentinel',
    });
  });

  it('uses the one TEMPORAL_NAMESPACE everywhere a namespace is named', () => {
    const { services } = load({ ...SECRETS, TEMPORAL_NAMESPACE: 'ticket-cache-prod' });
    for (const name of ['migrate', 'worker', 'scheduler', 'temporal-namespace']) {
      expect({ name, ns: services[name]?.environment?.['TEMPORAL_NAMESPACE'] }).toEqual({
        name,
        ns: 'ticket-cache-prod',
      });
    }
    expect(services['temporal-ui']?.environment?.['TEMPORAL_DEFAULT_NAMESPACE']).toBe('ticket-cache-prod');
  });

  it('rotates every log, and gives our services init and the worker a stop grace of at least 45 s', () => {
    const { services } = load(SECRETS, ['simulator']);
    for (const [name, s] of Object.entries(services)) {
      expect({ name, logging: s.logging }).toEqual({
        name,
        logging: { driver: 'json-file', options: { 'max-size': '10m', 'max-file': '5' } },
      });
      if (s.build) expect({ name, init: s.init }).toEqual({ name, init: true });
    }
    const worker = services['worker'];
    expect(worker?.environment).toMatchObject({
      WORKER_SHUTDOWN_GRACE_SECONDS: '30',
      WORKER_SHUTDOWN_FORCE_SECONDS: '15',
    });
    expect(worker?.stop_grace_period).toBe('1m0s');
  });
});
