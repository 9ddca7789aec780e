import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { errorCodeOf } from '../errors.js';
import { checkLimits, type RequestLimits } from '../limits.js';
import { checkAccess } from './check.js';
import type { RequestAuth } from './request.js';
import type { AccessRules } from './rules.js';

/** Codes of a refusal (the caller's doing), as opposed to a failure (ours). */
const REFUSAL_CODES = new Set(['BAD_USER_INPUT', 'NOT_FOUND', 'FORBIDDEN', 'UNAUTHENTICATED', 'QUERY_LIMIT_EXCEEDED', 'CONFLICT']);

/**
 * The subgraph side of access control: refuses a document over the request limits or that the
 * viewer may not run (before any resolver), reports withheld counts in `extensions.withheld`,
 * hands the personal fields read to `audit` before the response leaves (if that record cannot be
 * written, the response carries an error instead of the personal data), and records refused
 * attempts (a denied document, a write whose input was refused) with `recordRefusal`.
 */
export function accessPlugin<TContext extends BaseContext & { auth: RequestAuth }>(options: {
  rules: AccessRules;
  limits: RequestLimits;
  audit?: (context: TContext) => Promise<void>;
  recordRefusal?: (context: TContext, fields: string[], code: string) => Promise<void>;
  log?: (message: string, error: unknown) => void;
}): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      let refusal: { fields: string[]; code: string } | undefined;
      return {
        async didResolveOperation({ contextValue, document, schema, operationName, request }) {
          // The gateway names its fetches "<client's name>__<subgraph>__<n>": keep the client's.
          contextValue.auth.operationName = operationName?.replace(/__[a-z0-9_]+__\d+$/, '') ?? null;
          const denial =
            checkLimits(schema, document, operationName, request.variables, options.limits) ??
            checkAccess(schema, document, options.rules, contextValue.auth.viewer, undefined, request.variables);
          if (denial) {
            // eslint-disable-next-line @typescript-eslint/no-base-to-string -- coordinate and limit are strings (check.ts, limits.ts)
            refusal = { fields: [String(denial.extensions.coordinate ?? denial.extensions.limit ?? 'document')], code: errorCodeOf(denial) };
            throw denial;
          }
        },
        async didEncounterErrors({ errors, operation }) {
          if (refusal || operation?.operation !== 'mutation') return;
          const refused = errors.find((e) => REFUSAL_CODES.has(String(e.extensions?.code)));
          if (refused) {
            const fields = operation.selectionSet.selections.flatMap((s) => (s.kind === 'Field' ? [s.name.value] : []));
            refusal = { fields, code: String(refused.extensions.code) };
          }
        },
        async willSendResponse({ contextValue, response }) {
          const auth = contextValue.auth;
          if (refusal && options.recordRefusal && auth) {
            await options
              .recordRefusal(contextValue, refusal.fields, refusal.code)
              .catch((error: unknown) => options.log?.('the refused attempt could not be audited', error));
          }
          if (response.body.kind !== 'single' || !auth) return;
          const result = response.body.singleResult;
          if (auth.withheld.length) result.extensions = { ...result.extensions, withheld: auth.withheld };
          if (auth.personalReads.size && options.audit) {
            try {
              await options.audit(contextValue);
            } catch (error) {
              options.log?.('a personal read could not be audited', error);
              response.body.singleResult = {
                errors: [
                  new GraphQLError('Personal data was not returned: the read could not be recorded in the audit trail', {
                    extensions: { code: 'AUDIT_FAILED', requestId: auth.requestId },
                  }).toJSON(),
                ],
              };
            }
          }
        },
      };
    },
  };
}
