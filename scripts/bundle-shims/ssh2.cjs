// docker-modem requires ssh2 at load time; only ssh:// engines use it. Load it on first use.
'use strict';
/* global module, require */
const name = 'ssh2';
module.exports = {
  get Client() {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(name).Client;
  },
};
