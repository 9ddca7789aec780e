import { createRequire } from 'node:module';
import {
  ERRORS,
  isCompositeType,
  isCustomScalarType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isSubtype,
  Variable,
  type CompositeType,
  type FieldSelection,
  type ListType,
  type NamedType,
  type NonNullType,
  type NullableType,
  type Operation,
  type Schema,
  type Selection,
  type SelectionSet,
  type Type,
} from '@apollo/federation-internals';
import type { GraphQLError } from 'graphql';

// The last step of every federated answer: @apollo/gateway's computeResponse walks the merged
// subgraph data along the operation's selections, keeps what was asked, fills in __typename,
// checks each leaf against its type and bubbles nulls up to the nearest nullable field. For
// large answers it was the gateway's largest cost: coverage gaps (100 households with their
// cards, loans and placements, 124 KB) spent 27 ms a request there, more than the subgraph
// answers' parsing, merging and the response's serialisation together (a CPU profile, issue 19).
// The time went to work repeated for each of the 100 households that depends only on the
// operation: directives looked up for @skip/@include, a property getter for every call into
// @apollo/federation-internals, a closure for every assertion, and output objects made with
// Object.create(null), which V8 keeps in its slow dictionary mode, so every store and the final
// JSON.stringify are slower.
//
// shapeResponse is the same algorithm, step for step, with the same answers, errors and error
// paths (tests/unit/result-shaping.test.ts compares them on random answers, invalid ones
// included). What it does differently: each selection set is prepared once per request (skip
// and include decided, response names read, introspection and __typename fields marked) rather
// than once per object; output objects have fast properties and still no Object.prototype (a
// response name such as "__proto__" stays an own property). installResultShaping puts it in
// place of the library's function, which @apollo/gateway's executeQueryPlan calls through its
// module's exports on every request; GATEWAY_RESULT_SHAPING=apollo keeps the library's.

type Data = Record<string, unknown>;
type IntrospectionHandling = (selection: FieldSelection) => unknown;

interface Parameters {
  schema: Schema;
  variables: Record<string, unknown>;
  errors: GraphQLError[];
  introspectionHandling: IntrospectionHandling;
  /** Each selection set prepared once for the request. */
  prepared: Map<SelectionSet, Step[]>;
}

type Step =
  | {
      kind: 'field';
      selection: FieldSelection;
      responseName: string;
      type: Type;
      introspection: boolean;
      typename: boolean;
      selectionSet: SelectionSet | undefined;
    }
  | { kind: 'fragment'; typeCondition: CompositeType | undefined; selectionSet: SelectionSet };

const OK = 0;
const NULL_BUBBLE_UP = 1;
const TYPENAME = '__typename';
const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

/**
 * Output objects: fast properties, like `{}`, and like Object.create(null) no Object.prototype
 * above them, so that storing the response name "__proto__" makes an own property.
 */
const NullPrototype = function NullPrototype(this: Data) {} as unknown as { new (): Data; prototype: object };
NullPrototype.prototype = Object.create(null) as object;

/** A value in an assertion's message, shown as the library's template literals show it. */
function shown(value: unknown): string {
  return `${value as string}`;
}

/** What each call of updateOutputValue says besides its value (one request runs on one stack). */
let isInvalid = false;
let hasErrors = false;

export function shapeResponse({
  operation,
  variables,
  input,
  introspectionHandling,
}: {
  operation: Operation;
  variables?: Record<string, unknown>;
  input: Data | null | undefined;
  introspectionHandling: IntrospectionHandling;
}): { data: Data | null | undefined; errors: GraphQLError[] } {
  if (!input) return { data: input, errors: [] };
  const schema = operation.schema();
  const parameters: Parameters = {
    schema,
    variables: Object.assign(Object.create(null) as Record<string, unknown>, operation.collectDefaultedVariableValues(), variables),
    errors: [],
    introspectionHandling,
    prepared: new Map(),
  };
  const data = new NullPrototype();
  const rootType = schema.schemaDefinition.rootType(operation.rootKind)!;
  const res = applySelectionSet(input, operation.selectionSet, data, parameters, [], rootType);
  return { data: res === NULL_BUBBLE_UP ? null : data, errors: parameters.errors };
}

function prepare(selectionSet: SelectionSet, parameters: Parameters): Step[] {
  let steps = parameters.prepared.get(selectionSet);
  if (steps) return steps;
  steps = [];
  for (const selection of selectionSet.selections()) {
    if (shouldSkip(selection, parameters)) continue;
    if (selection.kind === 'FieldSelection') {
      const field = selection.element;
      steps.push({
        kind: 'field',
        selection,
        responseName: field.responseName(),
        type: field.definition.type!,
        introspection: INTROSPECTION_FIELDS.has(field.definition.name),
        typename: field.name === TYPENAME,
        selectionSet: selection.selectionSet,
      });
    } else {
      steps.push({ kind: 'fragment', typeCondition: selection.element.typeCondition, selectionSet: selection.selectionSet });
    }
  }
  parameters.prepared.set(selectionSet, steps);
  return steps;
}

function shouldSkip(selection: Selection, parameters: Parameters): boolean {
  const element = selection.element;
  if (element.appliedDirectives.length === 0) return false;
  const skip = element.appliedDirectivesOf(parameters.schema.skipDirective())[0];
  const include = element.appliedDirectivesOf(parameters.schema.includeDirective())[0];
  return !!((skip && ifValue(skip.arguments().if, parameters.variables)) || (include && !ifValue(include.arguments().if, parameters.variables)));
}

function ifValue(arg: unknown, variables: Record<string, unknown>): unknown {
  if (arg instanceof Variable) {
    const value = variables[arg.name];
    if (value === undefined || typeof value !== 'boolean') throw new Error(`Unexpected value ${shown(value)} for variable ${shown(arg)}`);
    return value;
  }
  return arg;
}

function typeConditionApplies(schema: Schema, typeCondition: CompositeType | undefined, typename: unknown, parentType: CompositeType): boolean {
  if (!typeCondition) return true;
  if (typename) {
    const type = schema.type(typename as string);
    return !!type && isSubtype(typeCondition, type);
  }
  return isSubtype(typeCondition, parentType);
}

function applySelectionSet(
  input: Data,
  selectionSet: SelectionSet,
  output: Data,
  parameters: Parameters,
  path: Array<string | number>,
  parentType: CompositeType,
): number {
  const steps = prepare(selectionSet, parameters);
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    if (step.kind === 'field') {
      const responseName = step.responseName;
      const outputValue = output[responseName];
      if (step.introspection) {
        if (outputValue === undefined) output[responseName] = parameters.introspectionHandling(step.selection);
        continue;
      }
      let inputValue = Object.hasOwn(input, responseName) ? (input[responseName] ?? null) : null;
      if (step.typename) {
        if (outputValue === undefined) {
          if (inputValue === null && responseName !== TYPENAME) inputValue = input[TYPENAME] ?? null;
          const type = inputValue !== null && typeof inputValue === 'string' ? (parameters.schema.type(inputValue) ?? parentType) : parentType;
          if (!isObjectType(type)) return NULL_BUBBLE_UP;
          output[responseName] = type.name;
        }
        continue;
      }
      path.push(responseName);
      const updated = updateOutputValue(outputValue, step.type, inputValue, step.selectionSet, path, parameters, parentType);
      output[responseName] = updated;
      path.pop();
      if (isInvalid) return NULL_BUBBLE_UP;
    } else {
      const typename = input[TYPENAME];
      if (typename && typeof typename !== 'string') throw new Error(`Got unexpected value for __typename: ${shown(typename)}`);
      if (typeConditionApplies(parameters.schema, step.typeCondition, typename, parentType)) {
        const res = applySelectionSet(input, step.selectionSet, output, parameters, path, step.typeCondition ?? parentType);
        if (res === NULL_BUBBLE_UP) return NULL_BUBBLE_UP;
      }
    }
  }
  return OK;
}

function pathLastElementDescription(path: Array<string | number>, currentType: Type, parentType: CompositeType): string {
  const element = path[path.length - 1];
  if (element === undefined) throw new Error('Should not have been called on an empty path');
  return typeof element === 'string' ? `field ${shown(parentType)}.${element}` : `array element of type ${shown(currentType)} at index ${element}`;
}

/**
 * The library's updateOutputValue: returns the updated value and sets isInvalid (a null where
 * the type forbids one: the parent must become null) and hasErrors (an error was recorded).
 */
function updateOutputValue(
  outputValue: unknown,
  type: Type,
  inputValue: unknown,
  selectionSet: SelectionSet | undefined,
  path: Array<string | number>,
  parameters: Parameters,
  parentType: CompositeType,
): unknown {
  isInvalid = false;
  hasErrors = false;
  if (inputValue === undefined) throw new Error('Should not pass undefined for `inputValue` to this method');
  if (outputValue === null || (outputValue !== undefined && !selectionSet)) return outputValue;
  if (isNonNullType(type)) {
    const ofType = (type as NonNullType<NullableType>).ofType;
    const updated = updateOutputValue(outputValue, ofType, inputValue, selectionSet, path, parameters, parentType);
    if (updated === null) {
      if (!hasErrors) {
        parameters.errors.push(
          ERRORS.INVALID_GRAPHQL.err(`Cannot return null for non-nullable ${pathLastElementDescription(path, ofType, parentType)}.`, {
            path: Array.from(path),
          }),
        );
      }
      isInvalid = true;
      hasErrors = true;
      return updated;
    }
    // As the library: a non-null value passes on no errors of its own.
    isInvalid = false;
    hasErrors = false;
    return updated;
  }
  if (inputValue === null) return null;
  if (isListType(type)) {
    if (!Array.isArray(inputValue)) throw new Error(`Invalid non-list value ${shown(inputValue)} returned by subgraph for list type ${shown(type)}`);
    if (outputValue !== undefined && !Array.isArray(outputValue))
      throw new Error(`Invalid non-list value ${shown(outputValue)} returned by subgraph for list type ${shown(type)}`);
    const outputList = outputValue as unknown[] | undefined;
    if (outputList !== undefined && inputValue.length !== outputList.length) {
      throw new Error(`[${shown(inputValue)}].length (${inputValue.length}) !== [${shown(outputList)}].length (${outputList.length})`);
    }
    const elementType = (type as ListType<Type>).ofType;
    let shouldNullify = false;
    let anyErrors = false;
    const updated = new Array<unknown>(inputValue.length);
    for (let idx = 0; idx < inputValue.length; idx++) {
      path.push(idx);
      updated[idx] = updateOutputValue(
        outputList === undefined ? undefined : outputList[idx],
        elementType,
        inputValue[idx],
        selectionSet,
        path,
        parameters,
        parentType,
      );
      path.pop();
      shouldNullify ||= isInvalid;
      anyErrors ||= hasErrors;
    }
    isInvalid = false;
    hasErrors = anyErrors;
    return shouldNullify ? null : updated;
  }
  if (isCompositeType(type)) {
    if (!selectionSet) throw new Error(`Invalid empty selection set for composite type ${shown(type)}`);
    if (typeof inputValue !== 'object') throw new Error(`Invalid non-object value ${shown(inputValue)} returned by subgraph for composite type ${shown(type)}`);
    if (outputValue !== undefined && typeof outputValue !== 'object')
      throw new Error(`Invalid non-object value ${shown(inputValue)} returned by subgraph for composite type ${shown(type)}`);
    const input = inputValue as Data;
    const inputTypename = input[TYPENAME];
    if (inputTypename !== undefined && typeof inputTypename !== 'string')
      throw new Error(`Invalid non-string value ${shown(inputTypename)} for __typename at ${shown(path)}`);
    let objType: CompositeType = type;
    if (inputTypename) {
      const typenameType = parameters.schema.type(inputTypename);
      if (!typenameType || !isCompositeType(typenameType)) {
        parameters.errors.push(
          ERRORS.INVALID_GRAPHQL.err(`Invalid __typename found for object at ${pathLastElementDescription(path, type, parentType)}.`, {
            path: Array.from(path),
          }),
        );
        isInvalid = false;
        hasErrors = true;
        return null;
      }
      objType = typenameType;
    }
    const outputObject = outputValue === undefined ? new NullPrototype() : (outputValue as Data);
    const res = applySelectionSet(input, selectionSet, outputObject, parameters, path, objType);
    isInvalid = false;
    hasErrors = res === NULL_BUBBLE_UP;
    return hasErrors ? null : outputObject;
  }
  if (outputValue !== undefined) throw new Error(`Excepted output to be undefined but got ${shown(type)} for type ${shown(type)}`);
  const valid = isValidLeafValue(parameters.schema, inputValue, type);
  if (!valid) {
    parameters.errors.push(
      ERRORS.INVALID_GRAPHQL.err(`Invalid value found for ${pathLastElementDescription(path, type, parentType)}.`, { path: Array.from(path) }),
    );
  }
  isInvalid = false;
  hasErrors = !valid;
  return valid ? inputValue : null;
}

const INTEGER = /^-?(?:0|[1-9][0-9]*)$/;

/** @apollo/federation-internals' isValidLeafValue, the same checks. */
function isValidLeafValue(schema: Schema, value: unknown, type: NamedType): boolean {
  if (isCustomScalarType(type)) return true;
  if (typeof value === 'boolean') return type === schema.booleanType();
  if (typeof value === 'number' && isFinite(value)) {
    if (type === schema.intType() || type === schema.idType()) return INTEGER.test(String(value));
    return type === schema.floatType();
  }
  if (typeof value === 'string') {
    if (isEnumType(type)) return type.value(value) !== undefined;
    return type !== schema.booleanType() && type !== schema.intType() && type !== schema.floatType();
  }
  return false;
}

/** @apollo/gateway's own computeResponse, for the comparison in tests and the bench. */
export function apolloComputeResponse(): typeof shapeResponse {
  return original();
}

type ShapingModule = { computeResponse: typeof shapeResponse };
let saved: typeof shapeResponse | undefined;

function shapingModule(): ShapingModule {
  // The module executeQueryPlan reads `computeResponse` from at each call (compiled TypeScript:
  // `(0, resultShaping_1.computeResponse)(…)`), so replacing its export replaces the call.
  return createRequire(import.meta.url)('@apollo/gateway/dist/resultShaping.js') as ShapingModule;
}

function original(): typeof shapeResponse {
  saved ??= shapingModule().computeResponse;
  return saved;
}

/** GATEWAY_RESULT_SHAPING: `fast` (the default, also when unset) uses shapeResponse, `apollo` keeps @apollo/gateway's computeResponse; anything else is refused. */
export function resultShapingFromEnv(env: NodeJS.ProcessEnv = process.env): 'fast' | 'apollo' {
  const value = env.GATEWAY_RESULT_SHAPING;
  if (value === undefined || value === '' || value === 'fast') return 'fast';
  if (value === 'apollo') return 'apollo';
  throw new Error(`GATEWAY_RESULT_SHAPING must be "fast" or "apollo", got "${value}"`);
}

/** Puts shapeResponse (or, with `apollo`, the library's own) in executeQueryPlan's path. */
export function installResultShaping(mode: 'fast' | 'apollo'): void {
  const library = original();
  shapingModule().computeResponse = mode === 'fast' ? shapeResponse : library;
}
