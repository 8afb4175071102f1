export { testEnv, testAmqpUrl, TEST_ADMIN_AMQP, TEST_VHOSTS, type TestEnv } from './test-env.js';
export { PeerBus } from './peer-bus.js';
export { listen } from './listen.js';
export { waitFor } from './wait-for.js';
export { openApiChecker } from './openapi-check.js';
export { createTestUser, passwordGrant, uniqueEmail, type TestUser, type TestUserOptions, type TokenSet } from './keycloak-users.js';
export { ensureRedisCluster } from './redis-cluster.js';
export { startServiceProcess, runServiceScript, serviceLogPath, type ServiceProcess, type ServiceProcessOptions } from './service-process.js';
export { pdfText } from './pdf.js';
