/**
 * Programs whose content IM001 compares a setuid/setgid file against, by sha256: the shells and
 * interpreters an image holds, and the setuid programs distributions ship. Data, read by
 * fs-scan (which files to hash) and by IM001 (what a hash means).
 *
 * Sources (2026-12): the setuid/setgid files of Debian 12, Ubuntu 24.04, Alpine 3.20, Fedora 41
 * and UBI 9 base images and of the packages named in the comments (`find / -perm /6000 -type f`);
 * the shells and interpreters of GTFOBins' "SUID" list (https://gtfobins.github.io/#+suid).
 */

/**
 * Directories whose regular files are hashed (the places a shell or interpreter is installed
 * and run from): a few thousand files in a large image, cheap with SHA extensions.
 */
export const PROGRAM_DIRS: readonly string[] = ['/bin', '/sbin', '/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin'];

/**
 * Basenames of shells, interpreters and tools that run arbitrary code or write arbitrary files
 * for whoever starts them: with the setuid bit, each is a root shell (GTFOBins "SUID").
 */
export const SHELL_NAMES: readonly string[] = [
  'sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'ksh93', 'mksh', 'csh', 'tcsh', 'fish', 'busybox', 'toybox',
  'node', 'nodejs', 'wish', 'awk', 'gawk', 'mawk', 'nawk', 'vi', 'vim', 'vim.basic', 'vim.tiny', 'nvim', 'find', 'env',
  'nc', 'ncat', 'netcat', 'nc.openbsd', 'nc.traditional', 'socat', 'strace', 'gdb', 'less', 'more', 'nano', 'ed',
  'cp', 'mv', 'tee', 'dd', 'chmod', 'chown', 'tar', 'zip', 'unzip', 'rsync', 'java', 'expect', 'docker', 'runc',
];

/** Interpreter families installed with a version suffix (python3, python3.11, perl5.36.0, php8.2). */
export const VERSIONED_SHELL_NAMES: readonly string[] = ['python', 'perl', 'ruby', 'php', 'lua', 'tclsh'];

/**
 * Where distributions install their own setuid/setgid programs. A file at one of these paths is
 * the distro's program (still a privilege path, the expected kind); a copy of one elsewhere is
 * recognised by its content. /bin and /sbin entries also count under /usr (merged /usr).
 */
export const DISTRO_SETUID_PATHS: readonly string[] = [
  // shadow-utils / login / util-linux (every distro)
  '/bin/su', '/bin/mount', '/bin/umount', '/usr/bin/passwd', '/usr/bin/newgrp', '/usr/bin/chsh', '/usr/bin/chfn',
  '/usr/bin/gpasswd', '/usr/bin/expiry', '/usr/bin/chage', '/usr/bin/sg', '/usr/bin/wall', '/usr/bin/write',
  '/usr/bin/bsd-write', '/usr/bin/newuidmap', '/usr/bin/newgidmap',
  // PAM
  '/sbin/unix_chkpwd', '/sbin/pam_timestamp_check', '/usr/sbin/pam_extrausers_chkpwd',
  // sudo, iputils, traceroute
  '/usr/bin/sudo', '/usr/bin/sudoedit', '/bin/ping', '/bin/ping6', '/usr/bin/traceroute6.iputils', '/usr/bin/traceroute', '/usr/bin/traceroute6',
  // openssh (Debian/Ubuntu, Fedora/RHEL)
  '/usr/lib/openssh/ssh-keysign', '/usr/libexec/openssh/ssh-keysign', '/usr/bin/ssh-agent',
  // fuse, cron, at, mail locking, locate
  '/bin/fusermount', '/usr/bin/fusermount3', '/usr/bin/crontab', '/usr/bin/at', '/usr/bin/dotlockfile',
  '/usr/bin/mail-lock', '/usr/bin/mail-unlock', '/usr/bin/mail-touchlock', '/usr/bin/mlocate', '/usr/bin/plocate',
  // nfs-common, postfix, exim
  '/sbin/mount.nfs', '/usr/sbin/postdrop', '/usr/sbin/postqueue', '/usr/sbin/exim4',
  // dbus, polkit, Xorg, chromium's sandbox
  '/usr/lib/dbus-1.0/dbus-daemon-launch-helper', '/usr/libexec/dbus-daemon-launch-helper',
  '/usr/lib/policykit-1/polkit-agent-helper-1', '/usr/lib/polkit-1/polkit-agent-helper-1', '/usr/libexec/polkit-agent-helper-1',
  '/usr/bin/pkexec', '/usr/lib/xorg/Xorg.wrap', '/usr/lib/chromium/chrome-sandbox', '/usr/bin/vlock',
  // Alpine: busybox's suid twin (it drops privileges for every applet but the few that need them)
  '/bin/bbsuid',
];
