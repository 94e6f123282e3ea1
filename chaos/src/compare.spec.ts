import { auditKey, compareRecords, freeTicketKey, keyUser, usersOf } from './compare';

const entry = (user_id: number, uuid: string, payload_hash = 'h1') => ({
  user_id,
  source: 'passes',
  action: 'create',
  uuid,
  payload_hash,
});

describe('comparing the campaign with the clean run', () => {
  it('an identical set of audit entries has nothing missing, duplicated or unexpected', () => {
    const keys = [auditKey(entry(1, 'a')), auditKey(entry(2, 'b'))];
    expect(compareRecords(keys, [...keys].reverse())).toMatchObject({ missing: [], duplicated: [], unexpected: [] });
  });

  it('the same change logged by two refreshes is one duplicate, whatever its ids', () => {
    const key = auditKey(entry(1, 'a'));
    expect(compareRecords([key], [key, key]).duplicated).toEqual([key]);
  });

  it('a change the clean run logged and the campaign did not is missing, and names its user', () => {
    const result = compareRecords([auditKey(entry(7, 'a')), auditKey(entry(8, 'b'))], [auditKey(entry(8, 'b'))]);
    expect(result.missing).toHaveLength(1);
    expect(usersOf(result.missing)).toEqual([7]);
  });

  it('the same pass with another payload is not the change the clean run logged', () => {
    const result = compareRecords([auditKey(entry(1, 'a', 'h1'))], [auditKey(entry(1, 'a', 'h2'))]);
    expect(result.missing).toHaveLength(1);
    expect(result.unexpected).toHaveLength(1);
  });

  it('free-ticket rows are told apart by user and note', () => {
    const row = freeTicketKey({ user_id: 42, note: 'free:abc:p1,p2' });
    expect(keyUser(row)).toBe(42);
    expect(compareRecords([row], [row, row, freeTicketKey({ user_id: 42, note: null })])).toMatchObject({
      duplicated: [row],
      unexpected: ['42|'],
    });
  });
});
