/**
 * A file's permission bits as people write them for chmod: "4755", "0666". A tar header or
 * st_mode may carry the file type too (0o100000 for a regular file: "104755"), which nobody
 * reads that way, so only the low twelve bits are printed.
 */
export function permissionBits(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}
