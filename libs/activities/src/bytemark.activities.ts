import { ApplicationFailure, Context, log } from '@temporalio/activity';
import type { BytemarkClient, PassList } from '@btc/bytemark-client';
import type { BytemarkTokensRepository, StagingRepository } from '@btc/data';
import { FAILURE_TYPES, type BytemarkActivities } from '@btc/workflows';
import { passListHash } from './pass-list-hash';
import { toTemporalFailure } from './temporal-failures';

export interface BytemarkActivityDeps {
  tokens: BytemarkTokensRepository;
  staging: StagingRepository;
  bytemark: BytemarkClient;
}

/** First element of a staged pass list: what the reconcile needs besides the passes themselves. */
export interface StagedListMeta {
  kind: 'meta';
  envelopes: PassList['envelopes'];
  rejectedUuids: string[];
  /** `passListHash` of the list; null when passes were rejected (the next run must not skip). */
  listHash: string | null;
}

export function createBytemarkActivities(deps: BytemarkActivityDeps): BytemarkActivities {
  const { tokens, staging, bytemark } = deps;

  const accountOf = async (userId: number) => {
    const account = await tokens.findByUserId(userId);
    if (!account?.token) {
      throw ApplicationFailure.create({
        message: `user ${userId} has no Bytemark token`,
        type: FAILURE_TYPES.auth,
        nonRetryable: true,
      });
    }
    return account as typeof account & { token: string };
  };

  return {
    async fetchPasses({ userId, source, stagingKey, skipIfHash }) {
      const { token } = await accountOf(userId);
      const context = Context.current();
      const onPage = (progress: { page: number; passes: number }) => context.heartbeat(progress);

      let list: PassList;
      try {
        list =
          source === 'passes'
            ? await bytemark.listPasses(token, { onPage })
            : await bytemark.listPassHistory(token, { status: 'EXPIRED', onPage });
      } catch (error) {
        throw toTemporalFailure(error, context.info.attempt);
      }
      if (list.rejects.length > 0) {
        log.warn('Bytemark returned passes that violate the schema; their cached copies are kept', {
          userId,
          source,
          rejects: list.rejects.slice(0, 20),
        });
      }
      const listHash = list.rejects.length === 0 ? passListHash(list.passes) : null;
      const summary = { passes: list.passes.length, pages: list.pages, rejected: list.rejects.length };
      if (listHash !== null && listHash === skipIfHash) {
        return { stagingKey: null, ...summary };
      }
      const meta: StagedListMeta = {
        kind: 'meta',
        envelopes: list.envelopes,
        rejectedUuids: list.rejects.flatMap((r) => (r.uuid ? [r.uuid] : [])),
        listHash,
      };
      await staging.put({ key: stagingKey, userId, value: [meta, ...list.passes] });
      return { stagingKey, ...summary };
    },

    async reloginUser({ userId }) {
      const account = await tokens.findByUserId(userId);
      if (!account?.email || !account.password) {
        throw ApplicationFailure.create({
          message: `user ${userId} has no stored Bytemark credentials to log in again with`,
          type: FAILURE_TYPES.auth,
          nonRetryable: true,
        });
      }
      try {
        const { oauthToken } = await bytemark.login(account.email, account.password);
        await tokens.updateToken(userId, oauthToken);
        log.info('Re-logged in to Bytemark and stored the new token (encrypted)', { userId });
      } catch (error) {
        throw toTemporalFailure(error, Context.current().info.attempt);
      }
    },
  };
}
