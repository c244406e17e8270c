/**
 * When the hotline is staffed: `STAFFED_HOURS` such as "mon-fri 08:30-17:30; sat 09:00-12:00", in the hotline's
 * time zone. She is told these hours in words when nobody is online.
 */
import type { Locale } from './types.js';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const ZH_DAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];
const EN_DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

export interface StaffedSpan {
  /** Days of the week, 0 = Sunday. */
  days: number[];
  /** Minutes after midnight; `to` may be 1440. */
  from: number;
  to: number;
}

export type StaffedHours = StaffedSpan[];

function minutes(hhmm: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm);
  if (!m || Number(m[1]) > 24 || Number(m[2]) > 59) throw new Error(`${hhmm} is not a time like 08:30`);
  return Number(m[1]) * 60 + Number(m[2]);
}

function dayIndex(name: string): number {
  const i = DAYS.indexOf(name.toLowerCase() as (typeof DAYS)[number]);
  if (i < 0) throw new Error(`${name} is not a day (mon, tue, ... sun)`);
  return i;
}

/** Parses "mon-fri 08:30-17:30; sat 09:00-12:00" (or "" / "none" for never staffed); throws with the reason. */
export function parseStaffedHours(spec: string): StaffedHours {
  const trimmed = spec.trim();
  if (!trimmed || trimmed === 'none') return [];
  return trimmed.split(';').map((part) => {
    const m = /^\s*([a-z]{3})(?:-([a-z]{3}))?\s+(\d{1,2}:\d{2})-(\d{1,2}:\d{2})\s*$/i.exec(part);
    if (!m) throw new Error(`"${part.trim()}" is not like "mon-fri 08:30-17:30"`);
    const first = dayIndex(m[1]!);
    const last = m[2] ? dayIndex(m[2]) : first;
    const days: number[] = [];
    for (let d = first; ; d = (d + 1) % 7) {
      days.push(d);
      if (d === last) break;
    }
    const from = minutes(m[3]!);
    const to = minutes(m[4]!);
    if (to <= from || to > 1440) throw new Error(`${m[3]}-${m[4]} must end after it begins, by 24:00`);
    return { days, from, to };
  });
}

function localDayAndMinute(ms: number, timeZone: string): { day: number; minute: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: 'numeric', minute: 'numeric', hourCycle: 'h23' })
      .formatToParts(ms)
      .map((p) => [p.type, p.value]),
  );
  return { day: EN_DAYS.indexOf(parts.weekday ?? 'Sun'), minute: Number(parts.hour) * 60 + Number(parts.minute) };
}

export function isStaffed(ms: number, hours: StaffedHours, timeZone: string): boolean {
  const { day, minute } = localDayAndMinute(ms, timeZone);
  return hours.some((s) => s.days.includes(day) && minute >= s.from && minute < s.to);
}

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** The hours in her language: "周一至周五 08:30-17:30" / "Mon-Fri 08:30-17:30". */
export function describeStaffedHours(hours: StaffedHours, locale: Locale): string {
  if (!hours.length) return locale === 'zh' ? '暂无固定在线时间' : 'no fixed hours';
  const names = locale === 'zh' ? ZH_DAYS : EN_DAYS;
  return hours
    .map((s) => {
      const first = names[s.days[0]!]!;
      const last = names[s.days.at(-1)!]!;
      const days = s.days.length === 1 ? first : `${first}${locale === 'zh' ? '至' : '-'}${last}`;
      return `${days} ${hhmm(s.from)}-${hhmm(s.to)}`;
    })
    .join(locale === 'zh' ? '，' : ', ');
}

/** The next moment the hotline is staffed (now, if it is), looking a week ahead in quarter hours. */
export function nextStaffed(ms: number, hours: StaffedHours, timeZone: string): number {
  if (!hours.length || isStaffed(ms, hours, timeZone)) return ms;
  const step = 15 * 60_000;
  for (let t = Math.ceil(ms / step) * step; t < ms + 8 * 86_400_000; t += step) if (isStaffed(t, hours, timeZone)) return t;
  return ms;
}
