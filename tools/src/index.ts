export { LOCAL, stackDown, stackStatus, stackUp, type ComponentName, type ComponentStatus } from './local-stack';
export { recordedProcess } from './processes';
