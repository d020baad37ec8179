/**
 * Container users as the runtime sees them: which USER / --user values are root, and what a
 * name resolves to in an image's /etc/passwd. Shared by `bulkhead run` (src/runtime), the image
 * auditor (IM007) and the container auditor (CT019, drift), so all three agree.
 */

/** USER / --user values that mean root: unset, "root", or uid 0 ("0", "00"), with or without a group. */
export function isRootUser(user: string | undefined): boolean {
  const name = user?.split(':')[0]?.trim() ?? '';
  return name === '' || name === 'root' || (/^[0-9]+$/.test(name) && Number(name) === 0);
}

/** The user part of USER/--user when it is a name (`app`, `app:staff`), not a number. */
export function namedUser(user: string | undefined): string | undefined {
  const name = user?.split(':')[0]?.trim() ?? '';
  return name === '' || /^[0-9]+$/.test(name) ? undefined : name;
}

/** Go's strconv.Atoi, as runc applies it to a passwd uid field: anything else parses as 0. */
function atoiOrZero(field: string | undefined): number {
  return field !== undefined && /^[+-]?[0-9]+$/.test(field) ? Number(field) : 0;
}

/**
 * Name -> uid for every user of an /etc/passwd text, read the way runc resolves a USER name
 * (moby/sys/user): non-empty lines split on ':', the first line with a name wins, and a uid
 * field that is missing or not a number counts as 0, so `admin:x:oops:0::/:/bin/sh` is root.
 */
export function passwdUids(passwd: string): Map<string, number> {
  const uids = new Map<string, number>();
  for (const raw of passwd.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const fields = line.split(':');
    const name = fields[0]!;
    if (!uids.has(name)) uids.set(name, atoiOrZero(fields[2]));
  }
  return uids;
}
