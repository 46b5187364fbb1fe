/** Today's date in China (UTC+8 all year, no daylight saving), as 'YYYY-MM-DD'. */
export function chinaToday(now = new Date()): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}
