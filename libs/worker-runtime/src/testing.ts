export {
  TEMPORAL,
  TEMPORAL_ADDRESS,
  TEST_CLIENT_ID,
  openHarness,
  openHarnessRecordingSlack,
  uniqueTaskQueue,
  type Harness,
  type HarnessOptions,
  type SlackRecordingHarness,
} from './testing/harness';
export { freePort } from './testing/free-port';
export {
  startHttpRecorder,
  type HttpRecorder,
  type RecordedRequest,
  type RecordedResponse,
} from './testing/http-recorder';
export { startWorkerProcess, type WorkerProcess, type WorkerProcessOptions } from './testing/worker-process-handle';
export {
  TlsProxyError,
  startTlsProxy,
  type ProxiedCall,
  type TlsProxy,
  type TlsProxyFiles,
  type TlsProxyOptions,
} from './testing/tls-proxy';
