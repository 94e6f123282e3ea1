import { DataTypes, type Model, type ModelStatic, type Sequelize } from 'sequelize';

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

export interface RefreshLogRow {
  id: number;
  user_id: number;
  activity_type: number;
  status: number;
  note: string | null;
  scheduled_on: Date | null;
  created_on: Date;
  modified_on: Date;
}

export type RefreshLogModel = ModelStatic<Model<RefreshLogRow, Partial<RefreshLogRow>>>;

export function refreshLogModel(sequelize: Sequelize): RefreshLogModel {
  const existing = sequelize.models[REFRESH_LOG_TABLE];
  if (existing) return existing as RefreshLogModel;
  return sequelize.define<Model<RefreshLogRow, Partial<RefreshLogRow>>>(
    REFRESH_LOG_TABLE,
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      user_id: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false, defaultValue: 0 },
      activity_type: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false, defaultValue: 0 },
      status: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false, defaultValue: 0 },
      note: { type: DataTypes.STRING(256), allowNull: true },
      scheduled_on: { type: DataTypes.DATE, allowNull: true },
      created_on: { type: DataTypes.DATE, allowNull: false },
      modified_on: { type: DataTypes.DATE, allowNull: false },
    },
    { tableName: REFRESH_LOG_TABLE, timestamps: false },
  );
}
