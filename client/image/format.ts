// Human formats for sizes ("1.2 MB", decimal units as Docker and Podman use) and ages ("2 minutes ago",
// the wording of Docker's units.HumanDuration).

export function formatSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
  if (i === 0) return `${bytes} B`;
  return `${v < 100 ? v.toFixed(1) : v.toFixed(0)} ${units[i]}`;
}

/** "2 minutes ago" for a time `then` seen at `now`. */
export function formatAge(then: Date, now: Date = new Date()): string {
  return `${humanDuration(Math.max(0, now.getTime() - then.getTime()) / 1000)} ago`;
}

function humanDuration(s: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (s < 1) return 'Less than a second';
  if (s < 60) return plural(Math.floor(s), 'second');
  const m = s / 60;
  if (m < 2) return 'About a minute';
  if (m < 60) return plural(Math.floor(m), 'minute');
  const h = m / 60;
  if (h < 1.5) return 'About an hour';
  if (h < 48) return plural(Math.round(h), 'hour');
  const d = h / 24;
  if (d < 14) return plural(Math.floor(d), 'day');
  if (d < 60) return plural(Math.floor(d / 7), 'week');
  if (d < 365 * 2) return plural(Math.floor(d / 30), 'month');
  return plural(Math.floor(d / 365), 'year');
}
