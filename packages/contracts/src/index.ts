export * from './events.js';
export * from './envelope.js';
