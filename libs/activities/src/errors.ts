/** Another refresh of the same user held the re-login lease past its expiry: retried (the lease is free by then). */
export class ReloginBusyError extends Error {
  override readonly name = 'ReloginBusyError';

  constructor(readonly userId: number) {
    super(`user ${userId}: another refresh was logging this user in to Bytemark, and did not finish in time`);
  }
}
