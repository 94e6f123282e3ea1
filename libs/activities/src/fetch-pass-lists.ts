import { log } from '@temporalio/activity';
import { BytemarkAuthError, type BytemarkClient, type PassList } from '@btc/bytemark-client';
import type { BytemarkTokensRepository, ListHashes } from '@btc/data';
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

/**
 * v1 `GET /passes` and v4 `GET /v4.0/passes?status=EXPIRED`, in parallel. When Bytemark rejects the
 * stored token (401 or session expired 50020), logs in once with the stored credentials, stores the
 * new token (encrypted) and fetches again (domain §6 #7). `'failed-auth'` when that does not help.
 */
export async function fetchPassLists(
  deps: { bytemark: BytemarkClient; tokens: BytemarkTokensRepository },
  userId: number,
  token: string,
): Promise<PassLists | 'failed-auth'> {
  const { bytemark, tokens } = deps;
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
  const credentials = await tokens.findCredentials(userId);
  if (!credentials) return 'failed-auth';
  try {
    const { oauthToken } = await bytemark.login(credentials.email, credentials.password);
    await tokens.updateToken(userId, oauthToken);
    return await fetchBoth(oauthToken);
  } catch (error) {
    if (!(error instanceof BytemarkAuthError)) throw error;
    log.warn('Bytemark authentication failed after re-login; the user must fix their account', { userId });
    return 'failed-auth';
  }
}
