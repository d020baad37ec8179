// Stands in for @grpc/grpc-js, @grpc/proto-loader and protobufjs in the CLI bundle: dockerode
// requires them at load time for BuildKit sessions, which bulkhead never opens (~140 ms saved).
'use strict';
function unused() {
  throw new Error('bulkhead bundle: BuildKit sessions (grpc/protobuf) are not included');
}
module.exports = new Proxy(unused, { get: (_t, key) => (key === '__esModule' ? false : unused) });
