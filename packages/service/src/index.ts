export { composeService, runService, type Closer, type Parts, type Platform, type PlatformOverrides, type Service, type ServiceSpec } from './start-up.js';
export { readinessOf, type Dependency } from './readiness.js';
