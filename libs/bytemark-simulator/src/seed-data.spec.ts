import { SimulatorStore } from './store';
import { FREE_PRODUCT_UUIDS, credentialsFor, generateUserPasses, tokenFor } from './seed-data';

describe('seed data', () => {
  it('the same seed produces the same users, passwords, tokens and passes', () => {
    expect(credentialsFor(7, 42)).toEqual(credentialsFor(7, 42));
    expect(tokenFor(7, 42, 0)).toBe(tokenFor(7, 42, 0));
    expect(generateUserPasses(7, 42, 20).passes).toEqual(generateUserPasses(7, 42, 20).passes);
  });

  it('a different seed produces different passwords and pass uuids', () => {
    expect(credentialsFor(1, 42).password).not.toBe(credentialsFor(2, 42).password);
    expect(generateUserPasses(1, 42, 1).passes[0]?.uuid).not.toBe(generateUserPasses(2, 42, 1).passes[0]?.uuid);
  });

  it('passwords are 12 characters with a letter and a digit, and emails follow the platform pattern', () => {
    for (let userId = 1; userId <= 200; userId += 1) {
      const { email, password } = credentialsFor(3, userId);
      expect(email).toBe(`bytemark.${userId}@mail.connectsmartx.com`);
      expect(password).toHaveLength(12);
      expect(password).toMatch(/[A-Za-z]/);
      expect(password).toMatch(/\d/);
    }
  });

  it('passes carry the realistic fields, all four statuses and some free-ticket product uuids', () => {
    const passes = Array.from({ length: 50 }, (_, i) => generateUserPasses(1, i + 1, 20).passes).flat();
    const statuses = new Set(passes.map((p) => p.status));
    expect([...statuses].sort()).toEqual(['EXPIRED', 'USABLE', 'USES_GONE', 'USING']);
    expect(passes.some((p) => (FREE_PRODUCT_UUIDS as readonly unknown[]).includes(p['product_uuid']))).toBe(true);
    const pass = passes[0] ?? {};
    for (const field of [
      'uuid',
      'status',
      'time_created',
      'time_modified',
      'time_purchased',
      'product_uuid',
      'product',
      'expiration',
      'first_use',
      'allowed_uses',
      'uses_count',
      'order_uuid',
      'order_item',
      'label_name',
      'label_short_name',
      'events',
    ]) {
      expect(pass).toHaveProperty(field);
    }
    expect(new Set(passes.map((p) => p.uuid)).size).toBe(passes.length);
  });

  it('seeding 10,000 users with 20 passes each is fast because passes are generated on first use', () => {
    const store = new SimulatorStore();
    const started = Date.now();
    store.reset({ seed: 1, users: 10_000, passesPerUser: 20, firstUserId: 1 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(store.listUsers()).toHaveLength(10_000);
    expect(store.passes(10_000)).toHaveLength(20);
  });
});
