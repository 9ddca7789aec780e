import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';

/** A refusal of bad input: names the input field so that a client can show it beside the field. */
export function badInput(field: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', field } });
}

export function notFound(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'NOT_FOUND' } });
}

/** Postgres SQLSTATE 23505: a unique constraint refused the row. */
export function isUniqueViolation(error: unknown): boolean {
  return sqlState(error) === '23505';
}

/**
 * Whether `error` is a unique violation of the named constraint (or unique index). A duplicate
 * is reported as a duplicate only when the constraint that refused it is the one that defines
 * it: any other unique violation (a rollup row, an idempotency key) means something else.
 */
export function violatesUnique(error: unknown, constraint: string): boolean {
  return isUniqueViolation(error) && (error as { constraint?: unknown }).constraint === constraint;
}

/** The SQLSTATE of a database error (`40001`, `23505`, ...), or undefined. */
export function sqlState(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * What an error may say to the caller. An error the code raised on purpose carries its own code
 * (BAD_USER_INPUT, NOT_FOUND, FORBIDDEN, ...) and is shown as it is. Anything else (a database
 * error, a bug, a failed fetch) is INTERNAL_SERVER_ERROR: its message could name a table, a
 * value or a server's address, so the caller gets a generic message with the request id
 * (`errorsPlugin` adds it) and the real error goes to the log. Stack traces and the gateway's
 * record of a subgraph's HTTP answer never leave the server unless NODE_ENV=development.
 */
export function formatErrorSafely(formatted: GraphQLFormattedError, error?: unknown): GraphQLFormattedError {
  if (process.env.NODE_ENV === 'development') return formatted;
  const { stacktrace: _stack, exception: _exception, response: _response, ...extensions } = (formatted.extensions ?? {}) as Record<string, unknown>;
  const code = extensions.code;
  const database = code === undefined || code === 'INTERNAL_SERVER_ERROR' ? databaseTrouble(error) : null;
  if (database) {
    return {
      message:
        database === 'DATABASE_TIMEOUT'
          ? "The department's database took too long (a statement or lock timeout); nothing was changed by this field. Try again shortly."
          : "The department's database is not answering; nothing was changed by this field. Try again shortly.",
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: database, ...(extensions.serviceName ? { serviceName: extensions.serviceName } : {}) },
    };
  }
  if (code === undefined || code === 'INTERNAL_SERVER_ERROR') {
    return {
      message: 'Internal server error: the request could not be completed. Quote the request id when you report it.',
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: 'INTERNAL_SERVER_ERROR', ...(extensions.serviceName ? { serviceName: extensions.serviceName } : {}) },
    };
  }
  if (code === 'BAD_USER_INPUT' && extensions.field === undefined) {
    const field = variableField(formatted.message);
    if (field) return { ...formatted, extensions: { ...extensions, field } };
  }
  return { ...formatted, extensions };
}

/**
 * Whether an error is the database being away (refusing or dropping connections, shutting down,
 * out of connections: DATABASE_UNAVAILABLE) or too slow (statement or lock timeout:
 * DATABASE_TIMEOUT), following GraphQLError.originalError down to the driver's error. Either
 * is said as such, without the driver's message (which names the database).
 */
export function databaseTrouble(error: unknown): 'DATABASE_UNAVAILABLE' | 'DATABASE_TIMEOUT' | null {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { originalError?: unknown }).originalError, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (code === '57014' || code === '55P03') return 'DATABASE_TIMEOUT';
    if (
      typeof code === 'string' &&
      (/^08/.test(code) || ['57P01', '57P02', '57P03', '53300', '3D000', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT'].includes(code))
    )
      return 'DATABASE_UNAVAILABLE';
    if (
      typeof message === 'string' &&
      /^Connection terminated|timeout exceeded when trying to connect|is not currently accepting connections|terminating connection due to administrator command/.test(
        message,
      )
    )
      return 'DATABASE_UNAVAILABLE';
  }
  return null;
}

/**
 * The field a variable's coercion error is about, read from graphql-js's message (the only
 * place it says which): `Variable "$input" got invalid value "x" at "input.amount"; ...` is
 * about `amount` (for a variable named `input`, as every mutation's argument is, the path inside
 * it, as resolvers name fields; otherwise the path from the variable's name), `Field "year" of
 * required type "Int!" was not provided` and `Field "x" is not defined by type ...` name theirs.
 */
export function variableField(message: string): string | undefined {
  const variable = /^Variable "\$(\w+)" got invalid value /.exec(message);
  if (!variable) return undefined;
  const name = variable[1]!;
  // The last ` at "path"; ` before the reason (the value printed before it may contain anything).
  const at = [...message.matchAll(/ at "([\w.[\]]+)"; /g)].pop()?.[1];
  let path = at ?? name;
  const missing = /; Field "(\w+)" (?:of required type .* was not provided|is not defined by type )/.exec(message);
  if (missing) path = `${path}.${missing[1]}`;
  if (name === 'input' && path.startsWith('input.')) path = path.slice('input.'.length);
  return path;
}

/**
 * Logs every internal error with the request's id (the only place its real message goes) and
 * gives each internal error in the response that id, so that a report can be matched to the log.
 */
export function errorsPlugin<TContext extends BaseContext & { auth?: { requestId?: string } }>(logger: Logger): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          for (const error of errors) {
            const code = error.extensions?.code;
            if (code !== undefined && code !== 'INTERNAL_SERVER_ERROR') continue;
            const original = error.originalError ?? error;
            logger.error(
              {
                requestId: contextValue?.auth?.requestId,
                path: error.path,
                err: { message: original.message, stack: original.stack, code: (original as { code?: unknown }).code },
              },
              'internal error',
            );
          }
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return;
          const requestId = contextValue?.auth?.requestId;
          if (!requestId) return;
          for (const error of response.body.singleResult.errors ?? []) {
            if (error.extensions?.code === 'INTERNAL_SERVER_ERROR') (error.extensions as Record<string, unknown>).requestId = requestId;
          }
        },
      };
    },
  };
}

/** An error's `extensions.code` (what metrics, traces and logs count it by); INTERNAL_SERVER_ERROR when it has none. */
export function errorCodeOf(error: unknown): string {
  const code = (error as { extensions?: { code?: unknown } } | null)?.extensions?.code;
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
}
