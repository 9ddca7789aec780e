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
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
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
      message: database === 'DATABASE_TIMEOUT'
        ? 'The department\'s database took too long (a statement or lock timeout); nothing was changed by this field. Try again shortly.'
        : 'The department\'s database is not answering; nothing was changed by this field. Try again shortly.',
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
    if (typeof code === 'string' && (/^08/.test(code) || ['57P01', '57P02', '57P03', '53300', '3D000', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT'].includes(code))) return 'DATABASE_UNAVAILABLE';
    if (typeof message === 'string' && /^Connection terminated|timeout exceeded when trying to connect|is not currently accepting connections|terminating connection due to administrator command/.test(message)) return 'DATABASE_UNAVAILABLE';
  }
  return null;
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
            logger.error({ requestId: contextValue?.auth?.requestId, path: error.path, err: { message: original.message, stack: original.stack, code: (original as { code?: unknown }).code } }, 'internal error');
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
