export { Broker, brokerUser, type BrokerOptions } from './broker.js';
export { byType, type ConsumeBatchOptions, type ConsumeOptions, type ConsumeWithDbOptions, type Subscription } from './consumer.js';
export { PermanentError, BrokerUnavailableError, PublishRefusedError } from './errors.js';
export { enqueueEvent, startOutboxRelay, type OutboxRelay, type OutboxRelayOptions, type Publisher } from './outbox.js';
export { processOnce } from './inbox.js';
export { createUnitOfWork, type UnitOfWork, type UnitOfWorkTx, type UnitOfWorkOptions, type Outbox, type EventMeta } from './unit-of-work.js';
export { messagingMigration, outboxTraceMigration } from './migration.js';
export { eachEvent } from './tracing.js';
export { setTaskStatus, setTaskStatuses, getTask, listTasks, TaskStatuses, type Task, type TaskStatus, type TaskKey } from './tasks.js';
export { tasksRoute, TaskPage } from './tasks.routes.js';
export { replayDeadLetters, listDeadLetters, type DeadLetter, type KeptLetter, type ReplayOptions, type ReplayResult } from './dlq.js';
export { EVENTS_EXCHANGE, RETRY_EXCHANGE, dlqName, retryQueueName, Headers as MessageHeaders } from './topology.js';
export {
  eventsPublished,
  eventsConsumed,
  outboxLag,
  outboxOldestAge,
  outboxWaiting,
  publishFailures,
  publishRefused,
  eventsRefused,
  consumeLag,
  tasksByStatus,
  tasksOldestAge,
} from './metrics.js';
export { brokerGrant, provisionUsers, provisionVhost, type BrokerGrant, type BrokerUser, type ManagementApi } from './provision.js';
export { verifiedSender } from './delivery.js';
