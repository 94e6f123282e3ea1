import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { ensureTools } from '@btc/tools';
import { alertRules } from './alert-rules';

/**
 * The chart, rendered by a real helm (built with Go by ensureTools, cached) and read back. What a cluster would add
 * (API-server validation, admission, the Operator's CRD schema) is not checked here: see deploy/README.md.
 */
const CHART = join(__dirname, '..', 'helm', 'bytemark-ticket-cache');
const NAMESPACE = 'ticket-cache';
const BASE = { existingSecret: 'ticket-cache-env' };
/** The Temporal TLS variables of @temporalio/envconfig 1.24.0 (src/envconfig-toml.ts, getTLSFromEnvVars). */
const ENVCONFIG_TLS_VARIABLES = [
  'TEMPORAL_TLS',
  'TEMPORAL_TLS_CLIENT_CERT_PATH',
  'TEMPORAL_TLS_CLIENT_KEY_PATH',
  'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
  'TEMPORAL_TLS_SERVER_NAME',
];

interface Container {
  name: string;
  image: string;
  command?: string[];
  env?: { name: string; value: string }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  ports?: { name: string; containerPort: number }[];
  livenessProbe?: { httpGet: { path: string; port: string } };
  readinessProbe?: { httpGet: { path: string; port: string } };
  startupProbe?: { httpGet: { path: string; port: string } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}

interface PodSpec {
  containers: Container[];
  securityContext?: Record<string, unknown>;
  terminationGracePeriodSeconds?: number;
  restartPolicy?: string;
  automountServiceAccountToken?: boolean;
  volumes?: { name: string; secret?: { secretName: string }; emptyDir?: object }[];
}

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: {
    selector?: { matchLabels: Record<string, string> };
    template?: { metadata: { labels: Record<string, string> }; spec: PodSpec };
    backoffLimit?: number;
    activeDeadlineSeconds?: number;
    [key: string]: unknown;
  };
  data?: Record<string, string>;
}

let helm = '';

function run(args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(helm, args, { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status ?? 1, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${r.error?.message ?? ''}` };
}

function setArgs(sets: Record<string, string>): string[] {
  return Object.entries({ ...BASE, ...sets }).flatMap(([k, v]) => ['--set-string', `${k}=${v}`]);
}

function render(sets: Record<string, string> = {}): K8sObject[] {
  const r = run(['template', 'rel', CHART, '--namespace', NAMESPACE, ...setArgs(sets)]);
  if (r.status !== 0) throw new Error(`helm template failed:\n${r.stderr}`);
  return parseAllDocuments(r.stdout)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

function renderError(sets: Record<string, string>): string {
  const r = run(['template', 'rel', CHART, '--namespace', NAMESPACE, ...setArgs(sets)]);
  expect(r.status).not.toBe(0);
  return r.stderr;
}

function find(objects: K8sObject[], kind: string, suffix: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name.endsWith(suffix));
  if (!found)
    throw new Error(`no ${kind} *${suffix} in ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
}

const podsOf = (objects: K8sObject[]) =>
  objects
    .filter((o) => o.spec?.template)
    .map((o) => ({ owner: `${o.kind}/${o.metadata.name}`, pod: o.spec!.template! }));

/** The environment a container gets from its ConfigMap(s) and inline `env`. */
function environment(objects: K8sObject[], c: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of c.envFrom ?? []) {
    if (from.configMapRef) Object.assign(env, find(objects, 'ConfigMap', from.configMapRef.name).data);
  }
  for (const e of c.env ?? []) env[e.name] = e.value;
  return env;
}

beforeAll(() => {
  const started = Date.now();
  helm = ensureTools((line) => console.log(`[helm-chart.spec] ${line}`), ['helm'])['helm'] ?? '';
  if (Date.now() - started > 5_000) console.log(`[helm-chart.spec] helm ready after ${Date.now() - started} ms`);
}, 20 * 60_000);

describe('the Helm chart (helm/bytemark-ticket-cache)', () => {
  it('is rendered by the pinned helm v4.3.2 and passes `helm lint --strict`', () => {
    expect(run(['version', '--short']).stdout.trim()).toBe('v4.3.2');
    const lint = run(['lint', '--strict', CHART, ...setArgs({})]);
    expect({ status: lint.status, output: `${lint.stdout}${lint.stderr}` }).toEqual({
      status: 0,
      output: expect.stringContaining('1 chart(s) linted, 0 chart(s) failed'),
    });
  });

  it('probes the worker on the health port (9465): liveness GET /livez, readiness GET /readyz', () => {
    const worker = find(render(), 'Deployment', '-worker').spec!.template!.spec.containers[0]!;
    expect(worker.ports).toEqual([
      { name: 'metrics', containerPort: 9464, protocol: 'TCP' },
      { name: 'health', containerPort: 9465, protocol: 'TCP' },
    ]);
    expect(worker.livenessProbe?.httpGet).toEqual({ path: '/livez', port: 'health' });
    expect(worker.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'health' });
    expect(worker.startupProbe?.httpGet).toEqual({ path: '/livez', port: 'health' });
    // The image's own command and heap limit (tools/src/docker-compose.spec.ts ties that to WORKER_HEAP_MB).
    const imageCmd = /^CMD (\[.*apps\/worker\/dist\/main\.js"\])$/m.exec(
      readFileSync(join(__dirname, '..', '..', 'Dockerfile'), 'utf8'),
    )?.[1];
    expect(worker.command).toEqual(JSON.parse(imageCmd ?? '[]'));
  });

  it('runs every pod as a non-root user with a read-only root filesystem, no escalation and no capabilities', () => {
    const pods = podsOf(render());
    expect(pods.map((p) => p.owner).sort()).toEqual([
      'Deployment/rel-bytemark-ticket-cache-worker',
      'Job/rel-bytemark-ticket-cache-migrate',
      'Job/rel-bytemark-ticket-cache-scheduler',
    ]);
    for (const { owner, pod } of pods) {
      expect({ owner, pod: pod.spec.securityContext }).toEqual({
        owner,
        pod: expect.objectContaining({ runAsNonRoot: true, runAsUser: 1000 }),
      });
      expect({ owner, automount: pod.spec.automountServiceAccountToken }).toEqual({ owner, automount: false });
      for (const c of pod.spec.containers) {
        expect({ owner, security: c.securityContext }).toEqual({
          owner,
          security: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        });
        // The read-only root filesystem leaves /tmp writable through an emptyDir.
        expect(c.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
      }
    }
  });

  it('gives every container CPU and memory requests and a memory limit', () => {
    for (const { owner, pod } of podsOf(render())) {
      for (const c of pod.spec.containers) {
        expect({ owner, resources: c.resources }).toEqual({
          owner,
          resources: {
            requests: { cpu: expect.any(String), memory: expect.any(String) },
            limits: expect.objectContaining({ memory: expect.any(String) }),
          },
        });
      }
    }
  });

  it('gives the worker at least its shutdown grace plus force to stop, and refuses to render less', () => {
    const objects = render({ 'worker.shutdownGraceSeconds': '40', 'worker.shutdownForceSeconds': '20' });
    const pod = find(objects, 'Deployment', '-worker').spec!.template!.spec;
    const env = environment(objects, pod.containers[0]!);
    expect(env).toMatchObject({ WORKER_SHUTDOWN_GRACE_SECONDS: '40', WORKER_SHUTDOWN_FORCE_SECONDS: '20' });
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(
      Number(env['WORKER_SHUTDOWN_GRACE_SECONDS']) + Number(env['WORKER_SHUTDOWN_FORCE_SECONDS']),
    );
    expect(renderError({ 'worker.terminationGracePeriodSeconds': '44' })).toContain(
      'worker.terminationGracePeriodSeconds (44) must be at least shutdownGraceSeconds + shutdownForceSeconds (45)',
    );
  });

  it("has a PodDisruptionBudget whose selector is the worker Deployment's and matches its pods", () => {
    const objects = render();
    const deployment = find(objects, 'Deployment', '-worker');
    const pdb = find(objects, 'PodDisruptionBudget', '-worker');
    expect(pdb.apiVersion).toBe('policy/v1');
    expect(pdb.spec?.selector).toEqual(deployment.spec?.selector);
    expect(deployment.spec?.template?.metadata.labels).toMatchObject(pdb.spec!.selector!.matchLabels);
    expect(Number(pdb.spec?.['maxUnavailable'])).toBeLessThan(Number(deployment.spec?.['replicas']));
  });

  it('has, when enabled, a PodMonitor that scrapes the port named metrics at /metrics as the job the alert rules select', () => {
    expect(render().filter((o) => o.kind === 'PodMonitor')).toEqual([]);
    const objects = render({ 'podMonitor.enabled': 'true' });
    const monitor = find(objects, 'PodMonitor', '-worker');
    const pod = find(objects, 'Deployment', '-worker').spec!.template!;
    expect(monitor.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(pod.metadata.labels).toMatchObject((monitor.spec?.['selector'] as { matchLabels: object }).matchLabels);
    expect(monitor.spec?.['namespaceSelector']).toEqual({ matchNames: [NAMESPACE] });
    const [endpoint] = monitor.spec?.['podMetricsEndpoints'] as { port: string; path: string; relabelings: object[] }[];
    expect(endpoint).toMatchObject({ port: 'metrics', path: '/metrics' });
    expect(pod.spec.containers[0]?.ports?.map((p) => p.name)).toContain(endpoint?.port);
    const jobs = new Set(alertRules().flatMap((r) => [...r.expr.matchAll(/job="([^"]+)"/g)].map((m) => m[1])));
    expect([...jobs]).toEqual(['bytemark-ticket-cache-worker']);
    expect(endpoint?.relabelings).toContainEqual({
      action: 'replace',
      targetLabel: 'job',
      replacement: 'bytemark-ticket-cache-worker',
    });
  });

  it('migrates before install and upgrade, and ensures the schedules after, in Jobs that give up in bounded time', () => {
    const objects = render();
    const migrate = find(objects, 'Job', '-migrate');
    const scheduler = find(objects, 'Job', '-scheduler');
    expect(migrate.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    expect(scheduler.metadata.annotations?.['helm.sh/hook']).toBe('post-install,post-upgrade');
    expect(migrate.spec?.template?.spec.containers[0]?.command).toEqual(['node', 'migrations/dist/cli.js', 'up']);
    expect(scheduler.spec?.template?.spec.containers[0]?.command).toEqual(['node', 'apps/scheduler/dist/main.js']);
    for (const job of [migrate, scheduler]) {
      expect(job.spec).toMatchObject({ backoffLimit: expect.any(Number), activeDeadlineSeconds: expect.any(Number) });
      expect(job.spec?.template?.spec.restartPolicy).toBe('Never');
    }
    // The pre-install hook runs before the ConfigMap exists: it carries the same settings inline.
    const configMap = find(objects, 'ConfigMap', '-config');
    expect(environment(objects, migrate.spec!.template!.spec.containers[0]!)).toEqual(configMap.data);
  });

  it('references secrets only by name: none is rendered, values hold no secret value, and config refuses one', () => {
    const objects = render({ 'temporal.tls.existingSecret': 'temporal-mtls' });
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    for (const { owner, pod } of podsOf(objects)) {
      const refs = pod.spec.containers.flatMap((c) => (c.envFrom ?? []).flatMap((f) => f.secretRef?.name ?? []));
      expect({ owner, refs }).toEqual({ owner, refs: ['ticket-cache-env'] });
      expect({ owner, volumes: pod.spec.volumes?.flatMap((v) => v.secret?.secretName ?? []) }).toEqual({
        owner,
        volumes: ['temporal-mtls'],
      });
    }
    const secretLooking = /password|secret|token|apikey|api_key|encryption|credential/i;
    const leaves = (node: unknown, path: string): [string, unknown][] =>
      node !== null && typeof node === 'object'
        ? Object.entries(node).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k))
        : [[path, node]];
    const values = parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as object;
    const filled = leaves(values, '')
      .filter(([path]) => secretLooking.test(path.split('.').at(-1) ?? ''))
      .filter(([path, v]) => v !== '' && !/existingSecret$/.test(path));
    expect(filled).toEqual([]);
    const configMap = find(objects, 'ConfigMap', '-config');
    expect(
      Object.keys(configMap.data ?? {}).filter(
        (k) => secretLooking.test(k) || (/_URL$/.test(k) && /MYSQL|MONGO/.test(k)),
      ),
    ).toEqual([]);
    expect(renderError({ 'config.TOKEN_ENCRYPTION_KEY': 'k1:abc' })).toContain(
      'config.TOKEN_ENCRYPTION_KEY is a secret: put it in the Secret named by existingSecret',
    );
    expect(renderError({ existingSecret: '' })).toContain('existingSecret must name a Secret');
  });

  it('pins each image by the tag value (default: the appVersion) or by digest, and refuses "latest"', () => {
    const images = (objects: K8sObject[]) => podsOf(objects).map((p) => p.pod.spec.containers[0]?.image);
    expect(images(render())).toEqual([
      'registry.example.com/bytemark-ticket-cache-worker:0.1.0',
      'registry.example.com/bytemark-ticket-cache-migrate:0.1.0',
      'registry.example.com/bytemark-ticket-cache-scheduler:0.1.0',
    ]);
    const digest = `sha256:${'a'.repeat(64)}`;
    const pinned = render({
      'images.worker.tag': '1.4.2',
      'images.migrate.digest': digest,
      'images.scheduler.tag': '1.4.2',
    });
    expect(images(pinned)).toEqual([
      'registry.example.com/bytemark-ticket-cache-worker:1.4.2',
      `registry.example.com/bytemark-ticket-cache-migrate@${digest}`,
      'registry.example.com/bytemark-ticket-cache-scheduler:1.4.2',
    ]);
    expect(renderError({ 'images.worker.tag': 'latest' })).toContain('the tag "latest" is not a pinned version');
  });

  it('mounts the Temporal mTLS Secret read-only and points the envconfig TEMPORAL_TLS_* variables at its files', () => {
    const plain = render();
    const plainWorker = find(plain, 'Deployment', '-worker').spec!.template!.spec;
    expect(
      Object.keys(environment(plain, plainWorker.containers[0]!)).filter((k) => k.startsWith('TEMPORAL_TLS')),
    ).toEqual([]);
    expect(plainWorker.volumes?.map((v) => v.name)).toEqual(['tmp']);

    const objects = render({
      'temporal.tls.existingSecret': 'temporal-mtls',
      'temporal.tls.serverName': 'temporal.internal',
    });
    for (const { owner, pod } of podsOf(objects)) {
      const c = pod.spec.containers[0]!;
      const env = environment(objects, c);
      const tls = Object.keys(env).filter((k) => k.startsWith('TEMPORAL_TLS'));
      expect({ owner, unknown: tls.filter((k) => !ENVCONFIG_TLS_VARIABLES.includes(k)) }).toEqual({
        owner,
        unknown: [],
      });
      expect(env).toMatchObject({
        TEMPORAL_TLS: 'true',
        TEMPORAL_TLS_CLIENT_CERT_PATH: '/etc/temporal-tls/tls.crt',
        TEMPORAL_TLS_CLIENT_KEY_PATH: '/etc/temporal-tls/tls.key',
        TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/etc/temporal-tls/ca.crt',
        TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
      });
      expect({ owner, mount: c.volumeMounts }).toEqual({
        owner,
        mount: expect.arrayContaining([{ name: 'temporal-tls', mountPath: '/etc/temporal-tls', readOnly: true }]),
      });
      expect(pod.spec.volumes).toContainEqual({
        name: 'temporal-tls',
        secret: { secretName: 'temporal-mtls', defaultMode: 0o440 },
      });
    }
  });

  it('documents every value of values.yaml with a comment above it', () => {
    const lines = readFileSync(join(CHART, 'values.yaml'), 'utf8').split('\n');
    const undocumented = lines
      .map((line, i) => ({ line, above: lines[i - 1]?.trim() ?? '' }))
      .filter(({ line }) => /^\s*[A-Za-z_][\w-]*:/.test(line))
      .filter(({ above }) => !above.startsWith('#'))
      .map(({ line }) => line.trim());
    expect(undocumented).toEqual([]);
  });
});
