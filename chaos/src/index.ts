export { DEFAULT_OPTIONS, SMALL_OPTIONS, resolveOptions, type ChaosOptions, type RunOptions } from './options';
export { formatReport } from './report';
export type { CampaignResult, PhaseReport } from './campaign-result';
export { runCampaign } from './run-campaign';
