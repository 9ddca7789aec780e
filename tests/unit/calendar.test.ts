import { describe, expect, it } from 'vitest';
import { holidays, isWorkingDay, workingDayIn } from '../../db/generate/calendar.js';
import { Random } from '../../db/random.js';

describe("the generators' working-day calendar", () => {
  it('knows weekends and public holidays', () => {
    expect(isWorkingDay('2024-03-04')).toBe(true); // a Monday
    expect(isWorkingDay('2024-03-02')).toBe(false); // Saturday
    expect(isWorkingDay('2024-03-03')).toBe(false); // Sunday
    expect(isWorkingDay('2024-01-01')).toBe(false);
    expect(isWorkingDay('2024-09-02')).toBe(false);
    expect(isWorkingDay('2024-09-03')).toBe(false); // the day beside National Day in 2024
    expect(isWorkingDay('2024-04-30')).toBe(false);
    expect(isWorkingDay('2024-05-01')).toBe(false);
    expect(isWorkingDay('2024-04-18')).toBe(false); // Hùng Kings' day (10/3 lunar)
    // Tết 2024 fell on 10 February: the eve (9th) to the 4th day (13th).
    for (const day of ['2024-02-09', '2024-02-12', '2024-02-13']) expect(isWorkingDay(day), day).toBe(false);
    expect(isWorkingDay('2024-02-14')).toBe(true);
    expect(holidays(2023).has('2023-01-22')).toBe(true);
  });

  it('draws only working days, within the months asked', () => {
    const random = new Random(1);
    for (let i = 0; i < 2000; i++) {
      const day = workingDayIn(random, 2016 + (i % 10), 9, 10);
      expect(isWorkingDay(day), day).toBe(true);
      expect(['09', '10']).toContain(day.slice(5, 7));
    }
  });
});
