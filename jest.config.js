// ESM all the way: jose and the Keycloak admin client ship as ES modules only, so the
// tests run as native ESM (NODE_OPTIONS=--experimental-vm-modules) with swc stripping types.
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }];

export default {
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/services', '<rootDir>/test'],
  testMatch: ['**/test/**/*.test.ts'],
  // Suites that take a shared server away run on their own, last (scripts/test.sh).
  // test/api (Schemathesis through the edge) runs with SCHEMATHESIS=1: npm run test:schemathesis.
  // test/faults (the fault matrix: kills and stops servers) runs with FAULTS=1: npm run test:faults.
  testPathIgnorePatterns: [
    ...(process.env.DISRUPTIVE ? [] : ['/test/disruptive/']),
    ...(process.env.SCHEMATHESIS ? [] : ['/test/api/']),
    ...(process.env.FAULTS ? [] : ['/test/faults/']),
  ],
  testTimeout: 60000,
  maxWorkers: 1,
  globalSetup: '<rootDir>/test/global-setup.ts',
};
