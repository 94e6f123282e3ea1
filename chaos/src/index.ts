export { DEFAULT_OPTIONS, SMALL_OPTIONS, resolveOptions, type ChaosOptions, type RunOptions } from './options';
export { formatReport } from './report';
export { runCampaign, type CampaignResult, type PhaseReport } from './run-campaign';
