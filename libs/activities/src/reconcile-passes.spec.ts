import type { BytemarkPass } from '@btc/bytemark-client';
import type { PassEntry } from '@btc/data';
import { passPayloadHash } from '@btc/data';
import { reconcilePasses, type ReconcileParams } from './reconcile-passes';

const FREE = '2417edb7-856c-43ee-b3df-c508b8be259b';
const PAID = '11111111-2222-4333-8444-555555555555';
const T0 = 1_700_000_000;
const NOW = T0 + 3600;

function pass(uuid: string, overrides: Partial<BytemarkPass> = {}): BytemarkPass {
  return {
    uuid,
    status: 'USABLE',
    time_created: `2024-01-0${uuid.length % 9 || 1}T10:00:00Z`,
    product_uuid: PAID,
    label_name: `Pass ${uuid}`,
    ...overrides,
  };
}

function entry(p: BytemarkPass, freeTicketStatus = 0, timestamp = T0): PassEntry {
  return {
    pass_uuid: p.uuid,
    timestamp,
    status: p.status,
    free_ticket_status: freeTicketStatus,
    payload: p,
    payload_hash: passPayloadHash(p),
  };
}

function update(
  cached: { passes: PassEntry[]; passes4: PassEntry[] },
  v1: BytemarkPass[] | null,
  v4: BytemarkPass[] | null = [],
  announcedFree: ReadonlySet<string> = new Set(),
) {
  const params: ReconcileParams = {
    mode: 'update',
    cached,
    v1,
    v4,
    rejectedUuids: new Set(),
    now: NOW,
    freeProductUuids: new Set([FREE]),
    announcedFree,
  };
  return reconcilePasses(params);
}

describe('reconcilePasses', () => {
  it('a rebuild of an existing cache announces a free pass it did not hold, keeps every flag, and audits only what changed', () => {
    const known = pass('known', { product_uuid: FREE });
    const kept = pass('kept');
    const history = pass('h1', { status: 'EXPIRED' });
    const out = reconcilePasses({
      mode: 'build',
      cached: {
        passes: [entry(known, 1), entry(kept)],
        passes4: [entry(history), entry(pass('gone', { status: 'EXPIRED' }))],
      },
      v1: [known, kept, pass('granted', { product_uuid: FREE })],
      v4: [history],
      rejectedUuids: new Set(),
      now: NOW,
      freeProductUuids: new Set([FREE]),
      announcedFree: new Set(['known']),
    });
    expect(out.newFree).toEqual(['granted']);
    expect(Object.fromEntries(out.passes.map((e) => [e.pass_uuid, e.free_ticket_status]))).toEqual({
      known: 1,
      kept: 0,
      granted: 1,
    });
    expect(out.changes.map((c) => `${c.source}:${c.action}:${c.entry.pass_uuid}`)).toEqual(['passes:create:granted']);
    // The rebuild drops the history entry v4 no longer lists.
    expect(out.passes4.map((e) => e.pass_uuid)).toEqual(['h1']);
    expect(out.counts).toEqual({ created: 1, updated: 0, removed: 1, unchanged: 3 });
  });

  it('a uuid listed twice with different payloads keeps the same one whatever the order, so nothing flaps', () => {
    const a = pass('dup', { status: 'USABLE' });
    const b = pass('dup', { status: 'USING' });
    const run = (v1: BytemarkPass[]) =>
      reconcilePasses({
        mode: 'build',
        cached: null,
        v1,
        v4: [],
        rejectedUuids: new Set(),
        now: NOW,
        freeProductUuids: new Set(),
      });
    const first = run([a, b]).passes;
    expect(run([b, a]).passes).toEqual(first);
    const again = reconcilePasses({
      mode: 'update',
      cached: { passes: first, passes4: [] },
      v1: [b, a],
      v4: [],
      rejectedUuids: new Set(),
      now: NOW,
      freeProductUuids: new Set(),
    });
    expect(again.changes).toEqual([]);
  });

  it('builds every pass as a create with free_ticket_status 0, even free products, and raises no free-ticket notice', () => {
    const out = reconcilePasses({
      mode: 'build',
      cached: null,
      v1: [
        pass('b', { time_created: '2024-02-01T00:00:00Z' }),
        pass('a', { product_uuid: FREE, time_created: '2024-01-01T00:00:00Z' }),
      ],
      v4: [pass('x', { status: 'EXPIRED' })],
      rejectedUuids: new Set(),
      now: NOW,
      freeProductUuids: new Set([FREE]),
    });
    expect(out.passes.map((e) => e.pass_uuid)).toEqual(['a', 'b']);
    expect(out.passes.every((e) => e.free_ticket_status === 0 && e.timestamp === NOW)).toBe(true);
    expect(out.changes.map((c) => `${c.source}:${c.action}:${c.entry.pass_uuid}`)).toEqual([
      'passes:create:b',
      'passes:create:a',
      'passes4:create:x',
    ]);
    expect(out.newFree).toEqual([]);
    expect(out.counts).toEqual({ created: 3, updated: 0, removed: 0, unchanged: 0 });
  });

  it('keeps an unchanged pass exactly as cached, including its timestamp and free flag, and logs nothing', () => {
    const p = pass('a');
    const cached = entry(p, 1);
    const out = update({ passes: [cached], passes4: [] }, [{ ...p }]);
    expect(out.passes).toEqual([cached]);
    expect(out.changes).toEqual([]);
    expect(out.counts).toEqual({ created: 0, updated: 0, removed: 0, unchanged: 1 });
  });

  it('reports a reordered but equal pass payload as unchanged', () => {
    const p = pass('a', { product: { uuid: PAID, name: 'Local' } });
    const reordered = Object.fromEntries(Object.entries(p).reverse()) as BytemarkPass;
    const out = update({ passes: [entry(p)], passes4: [] }, [reordered]);
    expect(out.counts.unchanged).toBe(1);
    expect(out.changes).toEqual([]);
  });

  it('replaces a changed pass, stamps it now, keeps free_ticket_status and logs one update', () => {
    const before = pass('a', { product_uuid: FREE });
    const after = { ...before, status: 'USING', first_use: '2024-03-01T00:00:00Z' };
    const out = update({ passes: [entry(before, 1)], passes4: [] }, [after]);
    expect(out.passes).toHaveLength(1);
    expect(out.passes[0]).toMatchObject({ status: 'USING', timestamp: NOW, free_ticket_status: 1, payload: after });
    expect(out.changes.map((c) => c.action)).toEqual(['update']);
    expect(out.newFree).toEqual([]);
  });

  it('flags a new pass with a free product and reports it once as a new free ticket', () => {
    const out = update({ passes: [entry(pass('a'))], passes4: [] }, [
      pass('a'),
      pass('f', { product_uuid: null, product: { uuid: FREE } }),
    ]);
    expect(out.newFree).toEqual(['f']);
    expect(out.passes.find((e) => e.pass_uuid === 'f')?.free_ticket_status).toBe(1);
    expect(out.changes).toHaveLength(1);
  });

  it('a free pass that left the list and came back is flagged free again but never announced twice', () => {
    const free = pass('f', { product_uuid: FREE });
    const gone = update({ passes: [entry(free, 1)], passes4: [] }, []);
    expect(gone.passes).toEqual([]);
    const back = update({ passes: gone.passes, passes4: [] }, [free], [], new Set(['f']));
    expect(back.newFree).toEqual([]);
    expect(back.passes[0]?.free_ticket_status).toBe(1);
  });

  it('prunes expired and used-up cached passes and drops passes the API no longer lists', () => {
    const cached = [
      entry(pass('e', { status: 'EXPIRED' })),
      entry(pass('g', { status: 'USES_GONE' })),
      entry(pass('gone')),
      entry(pass('k')),
    ];
    const out = update({ passes: cached, passes4: [] }, [pass('k')]);
    expect(out.passes.map((e) => e.pass_uuid)).toEqual(['k']);
    expect(out.counts).toEqual({ created: 0, updated: 0, removed: 3, unchanged: 1 });
  });

  it('keeps the cached copy of a pass whose new payload was rejected by the schema', () => {
    const cached = entry(pass('bad'));
    const out = reconcilePasses({
      mode: 'update',
      cached: { passes: [cached], passes4: [] },
      v1: [],
      v4: [],
      rejectedUuids: new Set(['bad']),
      now: NOW,
      freeProductUuids: new Set([FREE]),
    });
    expect(out.passes).toEqual([cached]);
    expect(out.counts.removed).toBe(0);
  });

  it('updates passes4 incrementally: appends new, replaces changed, never removes missing entries', () => {
    const old = pass('h1', { status: 'EXPIRED', time_created: '2023-01-01T00:00:00Z' });
    const changed = pass('h2', { status: 'EXPIRED', time_created: '2023-02-01T00:00:00Z' });
    const out = update(
      { passes: [], passes4: [entry(old), entry(changed, 1)] },
      [],
      [{ ...changed, uses_count: 3 }, pass('h3', { status: 'EXPIRED', time_created: '2023-03-01T00:00:00Z' })],
    );
    expect(out.passes4.map((e) => e.pass_uuid)).toEqual(['h1', 'h2', 'h3']);
    expect(out.passes4[1]).toMatchObject({ free_ticket_status: 1, timestamp: NOW });
    expect(out.changes.map((c) => `${c.source}:${c.action}:${c.entry.pass_uuid}`)).toEqual([
      'passes4:update:h2',
      'passes4:create:h3',
    ]);
    expect(out.counts).toEqual({ created: 1, updated: 1, removed: 0, unchanged: 1 });
  });

  it('sorts both arrays by time_created, oldest first', () => {
    const out = update({ passes: [], passes4: [] }, [
      pass('late', { time_created: '2024-05-01T00:00:00Z' }),
      pass('early', { time_created: '2024-01-01T00:00:00Z' }),
    ]);
    expect(out.passes.map((e) => e.pass_uuid)).toEqual(['early', 'late']);
  });

  it('is idempotent: running again on its own output changes nothing and finds no new free tickets', () => {
    const v1 = [pass('a'), pass('f', { product_uuid: FREE })];
    const first = update({ passes: [entry(pass('a'))], passes4: [] }, v1);
    const second = update({ passes: first.passes, passes4: first.passes4 }, v1);
    expect(second.changes).toEqual([]);
    expect(second.newFree).toEqual([]);
    expect(second.passes).toEqual(first.passes);
  });

  it('keeps both arrays as they are when both lists are unchanged since the last refresh (no staging)', () => {
    const cached = { passes: [entry(pass('a'))], passes4: [entry(pass('h', { status: 'EXPIRED' }))] };
    const out = update(cached, null, null);
    expect(out.passes).toEqual(cached.passes);
    expect(out.passes4).toEqual(cached.passes4);
    expect(out.changes).toEqual([]);
    expect(out.counts).toEqual({ created: 0, updated: 0, removed: 0, unchanged: 2 });
  });

  it('updates history while keeping current passes when only the v4 list changed', () => {
    const cached = { passes: [entry(pass('a'))], passes4: [] };
    const out = update(cached, null, [pass('h', { status: 'EXPIRED' })]);
    expect(out.passes).toEqual(cached.passes);
    expect(out.changes.map((c) => `${c.source}:${c.action}`)).toEqual(['passes4:create']);
  });
});
