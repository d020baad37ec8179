import type { Rule } from '../rule.js';
import type { ImageFacts } from '../../image/facts.js';
import { setuidSetgidFiles } from './setuid-setgid-files.js';
import { worldWritablePaths } from './world-writable-paths.js';
import { secretInFile } from './secret-in-file.js';
import { secretInDeletedLayer } from './secret-in-deleted-layer.js';
import { secretInConfig } from './secret-in-config.js';
import { secretInHistory } from './secret-in-history.js';
import { rootUser } from './root-user.js';
import { sshPortExposed } from './ssh-port-exposed.js';
import { noHealthcheck } from './no-healthcheck.js';
import { shadowPasswordHashes } from './shadow-password-hashes.js';
import { sshAuthorizedKeys } from './ssh-authorized-keys.js';
import { gitDirectory } from './git-directory.js';
import { unreadableLayer } from './unreadable-layer.js';
import { suspiciousArchiveEntries } from './suspicious-archive-entries.js';

// The image rule family: one import per rule file, in id order.
export const imageRules: Array<Rule<ImageFacts>> = [
  setuidSetgidFiles,
  worldWritablePaths,
  secretInFile,
  secretInDeletedLayer,
  secretInConfig,
  secretInHistory,
  rootUser,
  sshPortExposed,
  noHealthcheck,
  shadowPasswordHashes,
  sshAuthorizedKeys,
  gitDirectory,
  unreadableLayer,
  suspiciousArchiveEntries,
];
