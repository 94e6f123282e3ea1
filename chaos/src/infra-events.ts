import type { EventRecord } from './campaign-result';
import { message, sleep } from './campaign-utils';
import type { Log } from './environment';
import type { InfraEvent, InfraKind } from './fault-plan';
import type { Prng } from './prng';

export interface EventContext {
  rng: Prng;
  /** The share of the sweep done so far (0..1). */
  share(): number;
  finished(): boolean;
  log: Log;
  /** Does the event; resolves with what happened, in words. */
  execute(kind: InfraKind): Promise<string>;
}

/**
 * Fires the infrastructure faults, each once the sweep has reached its point: one lane per kind, so a
 * slow FerretDB restart does not push a worker kill to the end of the sweep; faults of different kinds
 * may overlap, as they do in production. An event whose point the sweep never reached is recorded as
 * not fired.
 */
export async function runEvents(events: readonly InfraEvent[], ctx: EventContext): Promise<EventRecord[]> {
  const lanes = new Map<InfraKind, InfraEvent[]>();
  for (const e of events) lanes.set(e.kind, [...(lanes.get(e.kind) ?? []), e]);
  const records: EventRecord[] = [];
  await Promise.all(
    [...lanes.values()].map(async (lane) => {
      for (const event of lane) {
        while (!ctx.finished() && ctx.share() < event.at) await sleep(100);
        if (ctx.finished()) {
          records.push({
            kind: event.kind,
            plannedAt: event.at,
            firedAt: null,
            detail: 'not fired: the sweep had finished',
          });
          continue;
        }
        await sleep(ctx.rng.int(400)); // a random moment, not the poll's
        const firedAt = ctx.share();
        let detail: string;
        try {
          detail = await ctx.execute(event.kind);
        } catch (error) {
          detail = `failed: ${message(error)}`;
        }
        ctx.log(`${event.kind} at ${(firedAt * 100).toFixed(0)} % of the sweep: ${detail}`);
        records.push({ kind: event.kind, plannedAt: event.at, firedAt, detail });
      }
    }),
  );
  return records.sort((a, b) => (a.firedAt ?? 2) - (b.firedAt ?? 2));
}
