/** A size for a message: `1.5 MiB (1572864 bytes)`, or `512 bytes` under 1 KiB. */
export function formatBytes(bytes: number): string {
  const units = ['KiB', 'MiB', 'GiB'];
  let size = bytes;
  let unit = '';
  for (const next of units) {
    if (size < 1024) break;
    size /= 1024;
    unit = next;
  }
  return unit === '' ? `${bytes} bytes` : `${Number(size.toFixed(1))} ${unit} (${bytes} bytes)`;
}
