import type { Rule } from '../rule.js';
import type { DockerfileFacts } from '../../dockerfile/facts.js';
import { finalUserRoot } from './final-user-root.js';
import { sudoInRun } from './sudo-in-run.js';
import { sudoersWrite } from './sudoers-write.js';
import { chmodSetuid } from './chmod-setuid.js';
import { chmodWorldWritable } from './chmod-world-writable.js';
import { baseImageLatest } from './base-image-latest.js';
import { baseImageNoDigest } from './base-image-no-digest.js';
import { addUrlWithoutChecksum } from './add-url-without-checksum.js';
import { addInsteadOfCopy } from './add-instead-of-copy.js';
import { pipeToShell } from './pipe-to-shell.js';
import { urlCredentials } from './url-credentials.js';
import { verificationDisabled } from './verification-disabled.js';
import { eolBaseImage } from './eol-base-image.js';
import { secretInEnvArg } from './secret-in-env-arg.js';
import { secretFileCopied } from './secret-file-copied.js';
import { buildSecretAsArg } from './build-secret-as-arg.js';
import { sshExposed } from './ssh-exposed.js';
import { privilegeConfigEdit } from './privilege-config-edit.js';
import { aptUpdateAlone } from './apt-update-alone.js';
import { aptNoInstallRecommends } from './apt-no-install-recommends.js';
import { aptListsNotCleaned } from './apt-lists-not-cleaned.js';
import { aptUpgrade } from './apt-upgrade.js';
import { apkNoCache } from './apk-no-cache.js';
import { pipNoCacheDir } from './pip-no-cache-dir.js';
import { shellFormEntrypoint } from './shell-form-entrypoint.js';
import { multipleCmdEntrypoint } from './multiple-cmd-entrypoint.js';
import { maintainerDeprecated } from './maintainer-deprecated.js';
import { relativeWorkdir } from './relative-workdir.js';
import { runCd } from './run-cd.js';
import { missingHealthcheck } from './missing-healthcheck.js';
import { copyContextSecrets } from './copy-context-secrets.js';
import { suppressionWithoutReason } from './suppression-without-reason.js';
import { unusedSuppression } from './unused-suppression.js';
import { untrustedRegistry } from './untrusted-registry.js';
import { pipeWithoutPipefail } from './pipe-without-pipefail.js';
import { aptUnpinnedPackages } from './apt-unpinned-packages.js';
import { packageInstallAsRoot } from './package-install-as-root.js';
import { secretWrittenByBuild } from './secret-written-by-build.js';

// The dockerfile rule family: one import per rule file, in id order. Ids are permanent.
export const dockerfileRules: Array<Rule<DockerfileFacts>> = [
  finalUserRoot, // DF001
  sudoInRun, // DF002
  sudoersWrite, // DF003
  chmodSetuid, // DF004
  chmodWorldWritable, // DF005
  baseImageLatest, // DF006
  baseImageNoDigest, // DF007
  addUrlWithoutChecksum, // DF008
  addInsteadOfCopy, // DF009
  pipeToShell, // DF010
  urlCredentials, // DF011
  verificationDisabled, // DF012
  eolBaseImage, // DF013
  secretInEnvArg, // DF014
  secretFileCopied, // DF015
  buildSecretAsArg, // DF016
  sshExposed, // DF017
  privilegeConfigEdit, // DF018
  aptUpdateAlone, // DF019
  aptNoInstallRecommends, // DF020
  aptListsNotCleaned, // DF021
  aptUpgrade, // DF022
  apkNoCache, // DF023
  pipNoCacheDir, // DF024
  shellFormEntrypoint, // DF025
  multipleCmdEntrypoint, // DF026
  maintainerDeprecated, // DF027
  relativeWorkdir, // DF028
  runCd, // DF029
  missingHealthcheck, // DF030
  copyContextSecrets, // DF031
  suppressionWithoutReason, // DF032
  unusedSuppression, // DF033
  untrustedRegistry, // DF034
  pipeWithoutPipefail, // DF035
  aptUnpinnedPackages, // DF036
  packageInstallAsRoot, // DF037
  secretWrittenByBuild, // DF038
];
