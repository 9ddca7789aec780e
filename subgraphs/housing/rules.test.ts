import { describe, expect, it } from 'vitest';
import { eligibleForHousing, listReviewYear, transition } from './rules.js';

describe('the housing case state machine', () => {
  it('allows APPROVED -> BUILDING -> COMPLETED and cancelling before completion', () => {
    expect(transition('approved', 'start')).toEqual({ ok: true, to: 'building' });
    expect(transition('building', 'complete')).toEqual({ ok: true, to: 'completed' });
    expect(transition('approved', 'cancel')).toEqual({ ok: true, to: 'cancelled' });
    expect(transition('building', 'cancel')).toEqual({ ok: true, to: 'cancelled' });
  });

  it('refuses every other step, saying why', () => {
    expect(transition('cancelled', 'complete')).toEqual({ ok: false, reason: 'cannot complete the case: it was cancelled' });
    expect(transition('approved', 'complete')).toMatchObject({ ok: false, reason: expect.stringContaining('never started') });
    expect(transition('completed', 'start')).toMatchObject({ ok: false, reason: expect.stringContaining('already completed') });
    expect(transition('building', 'start')).toMatchObject({ ok: false, reason: expect.stringContaining('already started') });
    expect(transition('completed', 'cancel').ok).toBe(false);
    expect(transition('cancelled', 'cancel').ok).toBe(false);
    expect(transition('cancelled', 'start').ok).toBe(false);
    expect(transition('completed', 'complete').ok).toBe(false);
  });
});

describe('eligibility', () => {
  it('judges a date in year Y by the lists of review year Y-1', () => {
    expect(listReviewYear('2024-03-01')).toBe(2023);
    expect(listReviewYear('2025-12-31')).toBe(2024);
  });
  it('supports poor and near-poor households only', () => {
    expect(eligibleForHousing('POOR')).toBe(true);
    expect(eligibleForHousing('NEAR_POOR')).toBe(true);
    expect(eligibleForHousing('MIDDLE_INCOME')).toBe(false);
    expect(eligibleForHousing(null)).toBe(false);
  });
});
