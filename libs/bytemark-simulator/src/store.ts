import { type Prng } from './prng';
import {
  FREE_PRODUCT_UUIDS,
  credentialsFor,
  generatePass,
  generateUserPasses,
  tokenFor,
  type PassOptions,
  type SimPass,
} from './seed-data';

export interface SeedParams {
  seed: number;
  users: number;
  passesPerUser: number;
  firstUserId: number;
}

/** What `GET /admin/users` returns per user: what the platform stores in `bytemark_tokens`. */
export interface UserAccount {
  userId: number;
  email: string;
  password: string;
  token: string | null;
}

interface UserState {
  userId: number;
  email: string;
  password: string;
  token: string | null;
  logins: number;
  sessionExpired: boolean;
  /** Generated on first access, so seeding 10,000 users costs only their credentials. */
  passes?: SimPass[];
  prng?: Prng;
}

/** Thrown for an unknown user or pass; the admin API answers 404. */
export class SimulatorNotFoundError extends Error {
  readonly type = 'not-found' as const;
}

export type AuthResult = { ok: true; userId: number } | { ok: false; reason: 'unknown-token' | 'session-expired' };

/** The simulator's in-memory state: users, their tokens and their passes. */
export class SimulatorStore {
  private params: SeedParams = { seed: 1, users: 0, passesPerUser: 0, firstUserId: 1 };
  private readonly users = new Map<number, UserState>();
  private readonly byEmail = new Map<string, number>();
  private readonly byToken = new Map<string, number>();

  get seedParams(): SeedParams {
    return { ...this.params };
  }

  /** Drops all state and seeds `users` users with `passesPerUser` passes each (passes generated lazily). */
  reset(params: SeedParams): void {
    this.params = { ...params };
    this.users.clear();
    this.byEmail.clear();
    this.byToken.clear();
    for (let i = 0; i < params.users; i += 1) {
      const userId = params.firstUserId + i;
      const creds = credentialsFor(params.seed, userId);
      const token = tokenFor(params.seed, userId, 0);
      this.users.set(userId, { ...creds, token, logins: 0, sessionExpired: false });
      this.byEmail.set(creds.email, userId);
      this.byToken.set(token, userId);
    }
  }

  listUsers(): UserAccount[] {
    return [...this.users.values()].map((u) => ({
      userId: u.userId,
      email: u.email,
      password: u.password,
      token: u.token,
    }));
  }

  account(userId: number): UserAccount {
    const u = this.user(userId);
    return { userId: u.userId, email: u.email, password: u.password, token: u.token };
  }

  /** Checks email and password; on success issues a new token and revokes the previous one. */
  login(email: string, password: string): string | null {
    const userId = this.byEmail.get(email.toLowerCase());
    const user = userId === undefined ? undefined : this.users.get(userId);
    if (!user || user.password !== password) return null;
    if (user.token) this.byToken.delete(user.token);
    user.logins += 1;
    user.token = tokenFor(this.params.seed, user.userId, user.logins);
    user.sessionExpired = false;
    this.byToken.set(user.token, user.userId);
    return user.token;
  }

  authenticate(token: string): AuthResult {
    const userId = this.byToken.get(token);
    const user = userId === undefined ? undefined : this.users.get(userId);
    if (!user) return { ok: false, reason: 'unknown-token' };
    if (user.sessionExpired) return { ok: false, reason: 'session-expired' };
    return { ok: true, userId: user.userId };
  }

  revokeToken(userId: number): void {
    const user = this.user(userId);
    if (user.token) this.byToken.delete(user.token);
    user.token = null;
  }

  /** The token stays known, but every call answers "session expired" (50020) until the user logs in again. */
  expireSession(userId: number): void {
    this.user(userId).sessionExpired = true;
  }

  passes(userId: number): SimPass[] {
    return this.materialize(this.user(userId)).passes;
  }

  pass(userId: number, passUuid: string): SimPass {
    const pass = this.passes(userId).find((p) => p.uuid === passUuid);
    if (!pass) throw new SimulatorNotFoundError(`user ${userId} has no pass ${passUuid}`);
    return pass;
  }

  /** A newly bought pass (created now), optionally with a given product and status. */
  /** Adds a new pass; `uuid` gives it that uuid instead of a generated one (any string Bytemark might send). */
  addPass(userId: number, options: Omit<PassOptions, 'createdAtMs'> & { uuid?: string } = {}): SimPass {
    const state = this.materialize(this.user(userId));
    const { uuid, ...passOptions } = options;
    const pass = generatePass(state.prng, { status: 'USABLE', ...passOptions, createdAtMs: Date.now() });
    if (uuid !== undefined) pass.uuid = uuid;
    state.passes.push(pass);
    return pass;
  }

  /** Merges fields into a pass (a field set to null stays null; `uuid` cannot change). */
  modifyPass(userId: number, passUuid: string, fields: Record<string, unknown>): SimPass {
    const pass = this.pass(userId, passUuid);
    const { uuid: _ignored, ...rest } = fields;
    Object.assign(pass, rest, { time_modified: new Date().toISOString() });
    return pass;
  }

  expirePass(userId: number, passUuid: string): SimPass {
    const pass = this.pass(userId, passUuid);
    const now = new Date().toISOString();
    const events = Array.isArray(pass['events']) ? (pass['events'] as unknown[]) : [];
    return this.modifyPass(userId, passUuid, {
      status: 'EXPIRED',
      expiration: now,
      events: [...events, { type: 'EXPIRED', time: now }],
    });
  }

  /** `count` new USABLE passes with a free product uuid (the first free product unless one is given). */
  grantFreeTickets(userId: number, count: number, productUuid: string = FREE_PRODUCT_UUIDS[0]): SimPass[] {
    return Array.from({ length: count }, () => this.addPass(userId, { productUuid, status: 'USABLE' }));
  }

  /** Grows (seeded passes, optionally all with one status) or shrinks (drops the newest) a user's pass list. */
  setPassCount(userId: number, count: number, status?: string): number {
    const state = this.materialize(this.user(userId));
    if (count < state.passes.length) state.passes.length = count;
    while (state.passes.length < count) state.passes.push(generatePass(state.prng, status ? { status } : {}));
    return state.passes.length;
  }

  /** Activates a pass: USING, first_use set on first activation, uses_count + 1. */
  usePass(
    userId: number,
    passUuid: string,
  ): { ok: true; pass: SimPass } | { ok: false; reason: 'not-found' | 'not-usable' } {
    const pass = this.passes(userId).find((p) => p.uuid === passUuid);
    if (!pass) return { ok: false, reason: 'not-found' };
    if (pass.status !== 'USABLE' && pass.status !== 'USING') return { ok: false, reason: 'not-usable' };
    const now = new Date().toISOString();
    const events = Array.isArray(pass['events']) ? (pass['events'] as unknown[]) : [];
    pass.status = 'USING';
    if (!pass['first_use']) pass['first_use'] = now;
    pass['uses_count'] = (typeof pass['uses_count'] === 'number' ? pass['uses_count'] : 0) + 1;
    pass['time_modified'] = now;
    pass['events'] = [...events, { type: 'ACTIVATED', time: now }];
    return { ok: true, pass };
  }

  private user(userId: number): UserState {
    const user = this.users.get(userId);
    if (!user) throw new SimulatorNotFoundError(`no simulated user ${userId}`);
    return user;
  }

  private materialize(user: UserState): UserState & { passes: SimPass[]; prng: Prng } {
    if (!user.passes || !user.prng) {
      const { passes, prng } = generateUserPasses(this.params.seed, user.userId, this.params.passesPerUser);
      user.passes = passes;
      user.prng = prng;
    }
    return user as UserState & { passes: SimPass[]; prng: Prng };
  }
}
