// Stands in for the `debug` package in the run bundle (docker-modem logs through it): the real one
// loads only when DEBUG is set, so a plain run does not evaluate it and supports-color (tty, os).
'use strict';
const name = 'debug';
function disabled() {
  const log = () => undefined;
  log.enabled = false;
  log.extend = disabled;
  return log;
}
disabled.enable = () => undefined;
disabled.disable = () => '';
disabled.enabled = () => false;
module.exports = process.env.DEBUG ? require(name) : disabled;
