import { GraphQLError, buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { variableField } from '../../platform/errors.js';
import { isId, parseId, requireId } from '../../platform/ids.js';
import { checkTextArguments, notInFuture, optionalText, requiredText, textLimit } from '../../platform/inputs.js';
import { DateScalar, MAX_MONEY, Money, sumMoney } from '../../platform/scalars.js';
import { decodeAnswer, encodeAnswer } from '../../platform/writes.js';

// The edge's rules one by one (tests/resilience/bad-input-sweep.test.ts runs them through the
// whole graph): Money and Date bounds, exact sums, the text rule, and the field a variable's
// coercion error is about.

function refusal(run: () => unknown): GraphQLError {
  try {
    run();
  } catch (error) {
    return error as GraphQLError;
  }
  throw new Error('expected a refusal');
}

describe('Money', () => {
  it('takes whole amounts up to one trillion đồng either way, as a string or an Int', () => {
    expect(Money.parseValue(String(MAX_MONEY))).toBe(MAX_MONEY);
    expect(Money.parseValue(-MAX_MONEY)).toBe(-MAX_MONEY);
    expect(Money.parseValue(' 1500000 ')).toBe(1500000);
  });

  it.each([['9007199254740991'], [String(MAX_MONEY + 1)], [Infinity], [1.5], ['1.5'], ['1e3'], [''], ['9'.repeat(400)], [null]])('refuses %s', (value) => {
    expect(refusal(() => Money.parseValue(value)).extensions.code).toBe('BAD_USER_INPUT');
  });

  it('writes sums past the safe range exactly', () => {
    const total = sumMoney([Number.MAX_SAFE_INTEGER, 2]);
    expect(total).toBe(9007199254740993n);
    expect(Money.serialize(total)).toBe('9007199254740993');
    expect(Money.serialize('12345678901234567890')).toBe('12345678901234567890');
    expect(sumMoney([1, 2, 3])).toBe(6);
    expect(() => Money.serialize(2 ** 60)).toThrow();
  });
});

describe('Date', () => {
  it('takes real dates from 1900-01-01 to 2100-12-31', () => {
    expect(DateScalar.parseValue('1900-01-01')).toBe('1900-01-01');
    expect(DateScalar.parseValue('2100-12-31')).toBe('2100-12-31');
  });

  it.each([['0000-01-01'], ['1899-12-31'], ['2101-01-01'], ['2024-02-30'], ['2024-1-1'], [20240101]])('refuses %s', (value) => {
    expect(refusal(() => DateScalar.parseValue(value)).extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('the text rule', () => {
  const schema = buildSchema(`
    input Member { fullName: String!, nationalId: String }
    input In { communeCode: ID!, address: String!, inKindDescription: String, members: [Member!]!, note: String }
    type Query { x: Int }
    type Mutation { m(input: In!, filter: String): Int }
  `);
  const args = schema.getMutationType()!.getFields().m!.args;
  const ok = { communeCode: '00070', address: 'a', members: [{ fullName: 'A' }] };
  const fieldOf = (input: Record<string, unknown>, filter?: string) => refusal(() => checkTextArguments(args, { input, filter })).extensions.field;

  it('gives ids and codes 64 characters, free text 500, any other text 200', () => {
    expect([textLimit('communeCode', 'ID'), textLimit('householdId', 'ID'), textLimit('code', 'String')]).toEqual([64, 64, 64]);
    expect([textLimit('address', 'String'), textLimit('inKindDescription', 'String'), textLimit('reason', 'String')]).toEqual([500, 500, 500]);
    expect([textLimit('fullName', 'String'), textLimit('employer', 'String'), textLimit('source', 'String')]).toEqual([200, 200, 200]);
  });

  it('refuses control characters, unpaired surrogates and over-long text, naming the field however nested', () => {
    expect(() => checkTextArguments(args, { input: ok })).not.toThrow();
    expect(fieldOf({ ...ok, members: [{ fullName: 'A' }, { fullName: 'B\u0000' }] })).toBe('members[1].fullName');
    expect(fieldOf({ ...ok, address: 'x\ny' })).toBe('address');
    expect(fieldOf({ ...ok, note: 'x\ud800' })).toBe('note');
    expect(fieldOf({ ...ok, note: 'ế'.repeat(201) })).toBe('note');
    expect(() => checkTextArguments(args, { input: { ...ok, address: 'ế'.repeat(500) } })).not.toThrow();
    expect(fieldOf({ ...ok, communeCode: '0'.repeat(65) })).toBe('communeCode');
    expect(fieldOf(ok, '\u0007')).toBe('filter');
    // Emoji count as one character each (code points), as people count them.
    expect(() => checkTextArguments(args, { input: { ...ok, note: '😀'.repeat(200) } })).not.toThrow();
  });
});

describe('the field of a variable coercion error', () => {
  it.each([
    ['Variable "$input" got invalid value "x" at "input.amount"; Money must be a whole number', 'amount'],
    ['Variable "$input" got invalid value "a at \\"b\\"; c" at "input.members[0].birthYear"; Int cannot represent', 'members[0].birthYear'],
    ['Variable "$input" got invalid value { a: 1 }; Field "year" of required type "Int!" was not provided.', 'year'],
    ['Variable "$input" got invalid value { zz: 1 }; Field "zz" is not defined by type "XInput".', 'zz'],
    ['Variable "$from" got invalid value "2024-02-30"; Date must be a real calendar date', 'from'],
    ['Variable "$filter" got invalid value 1 at "filter.kind"; Enum "CommuneKind" cannot represent', 'filter.kind'],
  ])('%s -> %s', (message, field) => {
    expect(variableField(message)).toBe(field);
  });

  it('is undefined for other errors', () => {
    expect(variableField('unknown household "1"')).toBeUndefined();
  });
});

describe('stored answers', () => {
  it('come back as they were: dates, bigints, nested rows', () => {
    const answer = {
      loan: { id: 7, principal: 5, created_at: new Date('2025-01-02T03:04:05.000Z'), disbursed_on: '2025-01-02', big: 2n ** 70n, tags: ['a'] },
      none: null,
    };
    expect(decodeAnswer(encodeAnswer(answer))).toEqual(answer);
  });
});

describe('the shared input kit', () => {
  it('takes ids as digits only: Number() would read "0x10", "1e3" and " 7 " as ids', () => {
    expect(['1', '42', '999999999999999'].map(parseId)).toEqual([1, 42, 999999999999999]);
    expect(['0x10', '1e3', ' 7 ', '-1', '0', '1.5', '', '9999999999999999'].map(parseId)).toEqual(Array(8).fill(undefined));
    expect(isId('0x10')).toBe(false);
    const error = refusal(() => requireId('memberId', '0x10', 'person'));
    expect([error.extensions.code, error.extensions.field, error.message]).toEqual(['BAD_USER_INPUT', 'memberId', 'unknown person "0x10"']);
  });

  it('refuses a date after today, naming the field, and takes today itself', () => {
    expect(() => notInFuture('paidOn', '2026-03-01', '2026-03-01')).not.toThrow();
    const error = refusal(() => notInFuture('paidOn', '2026-03-02', '2026-03-01'));
    expect([error.extensions.code, error.extensions.field]).toEqual(['BAD_USER_INPUT', 'paidOn']);
  });

  it('trims text, refusing a blank required one and reading a blank optional one as null', () => {
    expect(requiredText('name', '  Lan  ')).toBe('Lan');
    expect(refusal(() => requiredText('name', '   ')).extensions.field).toBe('name');
    expect([optionalText('  '), optionalText(null), optionalText(' x ')]).toEqual([null, null, 'x']);
  });
});
