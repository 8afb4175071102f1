import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { PROTO_DIR, PROTOS, type ProtoName } from '@shop/contracts';

/**
 * Loaded at run time by @grpc/proto-loader, the gRPC team's own loader (grpc-health-check uses
 * it too): no protoc, no generated code to keep in step, the .proto in @shop/contracts is the
 * only copy. Field names become camelCase, absent fields get their defaults.
 */
const LOADER: protoLoader.Options = { keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true, includeDirs: [PROTO_DIR] };

const cache = new Map<ProtoName, grpc.ServiceDefinition>();

/** The service definition of one of the contracts package's APIs (`cart`, `inventory`). */
export function serviceDefinition(name: ProtoName): grpc.ServiceDefinition {
  const hit = cache.get(name);
  if (hit) return hit;
  const { file, service } = PROTOS[name];
  const pkg = protoLoader.loadSync(file, LOADER);
  const def = pkg[service];
  // A message type has `format`; a service is a map of method definitions.
  if (!def || 'format' in def) throw new Error(`${file} has no service ${service}`);
  const definition = def as grpc.ServiceDefinition;
  cache.set(name, definition);
  return definition;
}
