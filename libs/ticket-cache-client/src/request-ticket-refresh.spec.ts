import type { Client } from '@temporalio/client';
import { requestTicketRefresh } from './request-ticket-refresh';

describe('requestTicketRefresh', () => {
  it.each([0, -3, 1.5, Number.NaN])('refuses the user id %p before contacting Temporal', async (userId) => {
    const untouched = {} as Client;
    await expect(requestTicketRefresh(untouched, userId)).rejects.toThrow(/userId must be a positive integer/);
  });
});
