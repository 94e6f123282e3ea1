export const REFRESH_LOG_TABLE = 'bytemark_ticket_refresh_log';

/** `activity_type` values (domain §1.2 decision, following the code): */
export const REFRESH_ACTIVITY = {
  /** refresh the user's cache now (after a purchase or activation) */
  refreshNow: 1,
  /** send the free-ticket notification */
  freeTicketNotification: 2,
  /** refresh the user's cache at `scheduled_on` */
  scheduledRefresh: 3,
} as const;

/** `status`: 0 and 1 are the original's; 2 is ours, a row the queue gave up on (its reason in `bytemark_refresh_log_failures`). */
export const REFRESH_STATUS = { pending: 0, processed: 1, failed: 2 } as const;

export const REFRESH_LOG_FAILURES_TABLE = 'bytemark_refresh_log_failures';
