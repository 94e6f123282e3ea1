export {
  allSchedules,
  deleteScheduleIfPresent,
  ensureSchedule,
  hourlyScheduleOptions,
  refreshQueueScheduleOptions,
  triggerNow,
  type ScheduleSettings,
} from './schedules';
export { SearchAttributesMissingError } from './errors';
export { ensureSearchAttributes } from './search-attributes';
