// A large answer's JSON, written without ever being one string.
//
// Apollo Server turns each answer into one string (JSON.stringify) and our HTTP layer writes it.
// JSON.stringify returns its text in pieces joined lazily; the first use of the whole (Node's
// Content-Length, then the socket write) copies them into one string. A string above 128 KB (64 K
// characters once a Vietnamese name makes it two bytes a character) goes to V8's large-object
// space, fresh memory mapped for each one: on this machine that copy alone cost about 0.65 ms for
// a 133 KB answer, where one of 100 KB cost 0.01 ms. A page of 100 households with what every
// programme gives them is that size, in the gateway and in the subgraph that answers it.
//
// stringifyResult (Apollo's hook) writes such an answer as UTF-8 in parts below that size: each
// array element is stringified on its own (descending into one that is itself large) and the
// parts are encoded a group at a time. The text is byte for byte JSON.stringify's.

/** Characters per encoded group: below 64 K, so a group's string stays out of the large-object space even two bytes a character. */
const GROUP = 16_384;
/** Answers shorter than this (characters) stay one string: the usual case, and cheaper so. */
const WHOLE = 32_768;

/**
 * An answer's JSON as UTF-8 bytes, for Apollo Server's `body.string`: Apollo only passes that
 * string on, and our HTTP layer (http.ts) writes `bytes` when it gets one of these. Read as a
 * string (batched answers join them), it is the text.
 */
export class JsonBytes extends String {
  constructor(readonly bytes: Buffer) {
    super('');
  }
  override toString(): string {
    return this.bytes.toString('utf8');
  }
  override valueOf(): string {
    return this.toString();
  }
}

/** Apollo Server's `stringifyResult`: JSON.stringify's text and a newline; a large answer as JsonBytes. */
export function stringifyResult(value: unknown): string {
  const parts: string[] = [];
  if (writeParts(value, parts) < WHOLE) return parts.join('') + '\n';
  parts.push('\n');
  const buffers: Buffer[] = [];
  let group = '';
  for (const part of parts) {
    group += part;
    if (group.length >= GROUP) {
      buffers.push(Buffer.from(group, 'utf8'));
      group = '';
    }
  }
  if (group) buffers.push(Buffer.from(group, 'utf8'));
  // Apollo's type says string; JsonBytes is one (a String), and only http.ts reads it.
  return new JsonBytes(Buffer.concat(buffers)) as unknown as string;
}

/** Appends `value`'s JSON to `parts` in pieces; returns the number of characters appended. */
function writeParts(value: unknown, parts: string[]): number {
  if (value === null || typeof value !== 'object' || typeof (value as { toJSON?: unknown }).toJSON === 'function' || !plain(value)) {
    // A leaf, or an object that says how it is written (or is not a plain object or an array):
    // JSON.stringify decides. Only the top
    // level can be undefined (a function, a symbol); JSON.stringify then returns undefined too.
    const text = JSON.stringify(value) ?? 'null';
    parts.push(text);
    return text.length;
  }
  let length = 0;
  if (Array.isArray(value)) {
    // A list that is small as a whole (below WHOLE, so its string stays far from the large-object
    // space) is one call, as most answers' lists are: 126 communes' figures, 18 K characters,
    // took 105 µs element by element against 76 µs whole. A GraphQL list holds one type, so its
    // first element's length times the count tells; a wrong guess costs time, never bytes.
    if (value.length === 0 || ((JSON.stringify(value[0])?.length ?? 4) + 1) * value.length < WHOLE) {
      const text = JSON.stringify(value);
      parts.push(text);
      return text.length;
    }
    parts.push('[');
    length += 1;
    for (let i = 0; i < value.length; i++) {
      if (i > 0) {
        parts.push(',');
        length += 1;
      }
      length += writeElement(value[i], parts);
    }
    parts.push(']');
    return length + 1;
  }
  parts.push('{');
  length += 1;
  let first = true;
  for (const key of Object.keys(value)) {
    const field = (value as Record<string, unknown>)[key];
    if (field === undefined || typeof field === 'function' || typeof field === 'symbol') continue;
    const name = `${first ? '' : ','}${JSON.stringify(key)}:`;
    first = false;
    parts.push(name);
    length += name.length + writeParts(field, parts);
  }
  parts.push('}');
  return length + 1;
}

/** An array element: stringified whole unless that is itself large; undefined, a function or a symbol is null. */
function writeElement(element: unknown, parts: string[]): number {
  const text = JSON.stringify(element) ?? 'null';
  if (text.length <= GROUP || element === null || typeof element !== 'object') {
    parts.push(text);
    return text.length;
  }
  return writeParts(element, parts);
}

/** An array, or an object made by a literal or with no prototype (graphql-js's results): what this file walks itself. */
function plain(value: object): boolean {
  if (Array.isArray(value)) return true;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
