import { AppError } from '@shop/errors';

interface KeycloakErrorBody {
  error?: string;
  error_description?: string;
  errorMessage?: string;
  field?: string;
}

/** Keycloak said no to a user we tried to create: conflict, password policy, or a bad field. */
export function fromCreateUserRejection(status: number, body: KeycloakErrorBody): AppError | undefined {
  if (status === 409) return AppError.conflict('EMAIL_TAKEN', 'An account with this email already exists');
  if (status !== 400) return undefined;
  if (body.error?.startsWith('invalidPassword')) {
    const why = body.error_description?.replace(/^Invalid password:\s*/i, '') ?? 'it does not meet the password policy';
    return new AppError('WEAK_PASSWORD', `Password rejected: ${why}`);
  }
  const field = body.field === 'firstName' ? 'name' : (body.field ?? 'body');
  return AppError.badRequest(`${field}: ${body.errorMessage ?? body.error_description ?? 'rejected by the identity provider'}`);
}

/** Anything that is not a clear answer from Keycloak (timeout, refused, 5xx) is a 503. */
export function keycloakUnavailable(): AppError {
  return AppError.unavailable('Identity provider (Keycloak)');
}
