import type { Connection } from 'mongoose';
import { passPayloadHash, ticketLogChangeId } from './hashing';
import { TicketLogRepository } from './ticket-log.repository';
import type { TicketLogEntry } from './ticket-log.schema';
import { clearMongoCollections, openTestConnections, samplePassPayload } from '../testing';

function change(userId: number, i: number, refreshId = 'refresh-1'): TicketLogEntry & { _id: string } {
  const payload = samplePassPayload(i, { 'odd.key': i });
  const payload_hash = passPayloadHash(payload);
  const uuid = payload['uuid'] as string;
  return {
    _id: ticketLogChangeId({ refreshId, source: 'passes', uuid, payloadHash: payload_hash }),
    user_id: userId,
    timestamp: 1_741_833_474 + i,
    uuid,
    status: 'USABLE',
    source: 'passes',
    action: 'create',
    payload,
    payload_hash,
  };
}

describe('TicketLogRepository (FerretDB)', () => {
  let conns: Awaited<ReturnType<typeof openTestConnections>>;
  let mongo: Connection;
  let repo: TicketLogRepository;

  beforeAll(async () => {
    conns = await openTestConnections();
    mongo = conns.mongo;
    repo = new TicketLogRepository(mongo);
  });
  beforeEach(() => clearMongoCollections(mongo));
  afterAll(() => conns.close());

  it('writing the same change twice stores one log document', async () => {
    const entry = change(1, 1);
    expect(await repo.insertMany({ userId: 1 }, [entry])).toEqual({ inserted: 1, alreadyPresent: 0 });
    expect(await repo.insertMany({ userId: 1 }, [entry])).toEqual({ inserted: 0, alreadyPresent: 1 });
    expect(await repo.countByUserId({ userId: 1 })).toBe(1);
  });

  it('a retried batch inserts only the missing entries and counts the rest as already present', async () => {
    const batch = Array.from({ length: 5 }, (_, i) => change(2, i));
    await repo.insertMany({ userId: 2 }, batch.slice(0, 2));
    expect(await repo.insertMany({ userId: 2 }, batch)).toEqual({ inserted: 3, alreadyPresent: 2 });
    expect(await repo.countByUserId({ userId: 2 })).toBe(5);
  });

  it('reads entries back newest first with payload keys unescaped, scoped to the user', async () => {
    await repo.insertMany({ userId: 3 }, [change(3, 1), change(3, 2)]);
    await repo.insertMany({ userId: 4 }, [change(4, 1, 'other-refresh')]);
    const entries = await repo.findByUserId({ userId: 3 });
    expect(entries).toEqual([change(3, 2), change(3, 1)]);
    expect(await repo.findByUserId({ userId: 3, limit: 1 })).toHaveLength(1);
  });

  it('refuses an entry that belongs to another user', async () => {
    await expect(repo.insertMany({ userId: 5 }, [change(6, 1)])).rejects.toThrow(/user 6, not 5/);
  });
});
