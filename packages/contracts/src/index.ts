export * from './events.js';
export * from './envelope.js';
export * from './shapes.js';
export * from './money.js';
export * from './senders.js';
export * from './protos.js';
