export { testEnv, type TestEnv } from './test-env.js';
export { listen } from './listen.js';
export { waitFor } from './wait-for.js';
