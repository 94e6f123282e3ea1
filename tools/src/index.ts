export { LOCAL, stackDown, stackStatus, stackUp, type ComponentName, type ComponentStatus } from './local-stack';
export { recordedProcess } from './processes';
export { forEachLimit } from './for-each-limit';
export { ensureTools, ToolInstallError, type ToolBinary } from './install-tools';
