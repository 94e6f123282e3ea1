import { log } from '@temporalio/activity';
import { BytemarkAuthError, type BytemarkClient, type PassList } from '@btc/bytemark-client';
import type { BytemarkTokensRepository, ListHashes, LoginLeasesRepository } from '@btc/data';
import { ReloginBusyError } from './errors';
import { passListHash } from './pass-list-hash';

/** Both lists of one user, as Bytemark returned them. */
export interface PassLists {
  v1: PassList;
  v4: PassList;
}

/** The list hashes to remember for the next refresh; null for a list with rejected passes (never skip it). */
export function listHashes(lists: PassLists): ListHashes {
  const hash = (list: PassList) => (list.rejects.length === 0 ? passListHash(list.passes) : null);
  return { passes: hash(lists.v1), passes4: hash(lists.v4) };
}

interface FetchDeps {
  bytemark: BytemarkClient;
  tokens: BytemarkTokensRepository;
  loginLeases: LoginLeasesRepository;
}

/**
 * v1 `GET /passes` and v4 `GET /v4.0/passes?status=EXPIRED`, in parallel. When Bytemark rejects the
 * stored token (401 or session expired 50020), logs in once with the stored credentials, stores the
 * new token (encrypted) and fetches again (domain §6 #7), one re-login at a time per user.
 * `'failed-auth'` when that does not help.
 */
export async function fetchPassLists(
  deps: FetchDeps,
  userId: number,
  token: string,
): Promise<PassLists | 'failed-auth'> {
  const { bytemark } = deps;
  const fetchBoth = async (bearer: string): Promise<PassLists> => {
    const [v1, v4] = await Promise.all([
      bytemark.listPasses(bearer),
      bytemark.listPassHistory(bearer, { status: 'EXPIRED' }),
    ]);
    return { v1, v4 };
  };
  try {
    return await fetchBoth(token);
  } catch (error) {
    if (!(error instanceof BytemarkAuthError)) throw error;
  }
  log.warn('Bytemark rejected the stored token; logging in again with the stored credentials', { userId });
  try {
    const renewed = await renewToken(deps, userId, token);
    return renewed === null ? 'failed-auth' : await fetchBoth(renewed);
  } catch (error) {
    if (!(error instanceof BytemarkAuthError)) throw error;
    log.warn('Bytemark authentication failed after re-login; the user must fix their account', { userId });
    return 'failed-auth';
  }
}

/** How long one re-login may hold a user's lease; another refresh of that user waits at most this long. */
const LOGIN_LEASE_SECONDS = 30;
const LEASE_POLL_MS = 200;

/**
 * A token to use instead of the rejected one: the one another refresh stored meanwhile, else a new
 * login under the user's lease (Bytemark revokes the previous token on login, so two refreshes must
 * never log one user in at once). Null when there is no stored password to log in with.
 */
async function renewToken(deps: FetchDeps, userId: number, rejected: string): Promise<string | null> {
  const { bytemark, tokens, loginLeases } = deps;
  const deadline = Date.now() + LOGIN_LEASE_SECONDS * 1000;
  const renewedMeanwhile = async () => {
    const stored = await tokens.findToken(userId);
    return stored !== null && stored !== rejected ? stored : null;
  };
  for (;;) {
    const owner = await loginLeases.tryAcquire(userId, LOGIN_LEASE_SECONDS);
    if (owner) {
      try {
        const stored = await renewedMeanwhile();
        if (stored) return stored;
        const credentials = await tokens.findCredentials(userId);
        if (!credentials) return null;
        // Bytemark revokes the old token on login: never log in without knowing how the new one is stored
        // (fails closed with `TokenStorageModeError` when the mode is unknown).
        await tokens.storageMode();
        const { oauthToken } = await bytemark.login(credentials.email, credentials.password);
        await tokens.updateToken(userId, oauthToken);
        return oauthToken;
      } finally {
        await loginLeases.release(userId, owner);
      }
    }
    if (Date.now() >= deadline) throw new ReloginBusyError(userId);
    await new Promise((resolve) => setTimeout(resolve, LEASE_POLL_MS));
  }
}
