export { DEFAULT_FREE_TICKET_PRODUCT_UUIDS, LOCAL_DEV_ENCRYPTION_KEY } from './defaults';
export { WORKER_HEAP_MB } from './heap-limit';
export { ConfigError, TemporalConnectionError, type ConfigProblem } from './errors';
export { parseKeyring, type Keyring } from './keyring';
export {
  MYSQL_SSL_MODES,
  MYSQL_TLS_PARAMETERS,
  describeMysqlTls,
  parseMysqlTls,
  type MysqlSslMode,
  type MysqlTls,
  type MysqlUrlProblem,
} from './mysql/mysql-settings';
export { loadConfig, type Config, type ConfigSection, type ConfigSections, type Env } from './load-config';
export {
  createLogger,
  logFormat,
  type CreateLoggerOptions,
  type LogFormat,
  type Logger,
} from './logging/create-logger';
export {
  describeError,
  formatError,
  isError,
  redactSecrets,
  type DescribeErrorOptions,
  type ErrorDescription,
} from './logging/describe-error';
export { knownSecrets } from './logging/known-secrets';
export {
  DEFAULT_TEMPORAL_ADDRESS,
  readTemporalSettings,
  type TemporalSettings,
  type TemporalTls,
} from './temporal/temporal-settings';
export { connectClient, connectOrExplain, explainConnectionFailure } from './temporal/connect-client';
export { probeTemporalEndpoint, type EndpointDiagnosis } from './temporal/probe-endpoint';
