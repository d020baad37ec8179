// docker-modem reads require('ssh2').Client at load time but only constructs one for ssh://
// engines; this Client loads the real ssh2 (~45 ms) only when it is constructed.
'use strict';
const name = 'ssh2';
function Client(...args) {
  const Real = require(name).Client;
  return new Real(...args);
}
module.exports = { Client };
