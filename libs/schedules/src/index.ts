export {
  allSchedules,
  deleteScheduleIfPresent,
  ensureSchedule,
  hourlyScheduleOptions,
  refreshQueueScheduleOptions,
  triggerNow,
  type ScheduleSettings,
} from './schedules';
export { ensureSearchAttributes } from './search-attributes';
