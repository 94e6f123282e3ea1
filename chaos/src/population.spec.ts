import { DEFAULT_SHARES, planPopulation } from './population';

const userIds = Array.from({ length: 100 }, (_, i) => 700_001 + i);

describe('the campaign population', () => {
  const p = planPopulation(userIds, 1, DEFAULT_SHARES);

  it('has at least one user of every kind, even at 100 users', () => {
    for (const list of [p.noCache, p.failedAuth, p.noToken, p.persistentFault, p.queued, p.sessionExpired]) {
      expect(list.length).toBeGreaterThan(0);
    }
    expect(p.changes.size).toBe(15);
  });

  it('keeps failed-auth, no-token, persistent-fault and no-cache users apart', () => {
    const all = [...p.failedAuth, ...p.noToken, ...p.persistentFault, ...p.noCache];
    expect(new Set(all).size).toBe(all.length);
  });

  it('gives a persistent-fault user changes, so a partial effect of its failed refresh would show', () => {
    for (const userId of p.persistentFault) expect(p.changes.get(userId)).toBe('free-tickets');
  });

  it('refreshes the users without a token through the queue, and never expires a session it cannot renew', () => {
    for (const userId of p.noToken) expect(p.queued).toContain(userId);
    for (const userId of [...p.failedAuth, ...p.noToken, ...p.persistentFault]) {
      expect(p.sessionExpired).not.toContain(userId);
    }
  });
});
