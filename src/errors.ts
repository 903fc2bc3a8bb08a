/**
 * Typed errors. Anything the user can fix (bad flag, bad rules file, no credentials, unreachable endpoint,
 * unreadable snapshot) is a UserError: the CLI prints its message as one line and exits 2, never a stack trace.
 * Everything else is a bug and is reported as such.
 */

export type UserErrorCode =
  | 'USAGE'
  | 'RULES_FILE'
  | 'SNAPSHOT'
  | 'INPUT'
  | 'CREDENTIALS'
  | 'ENDPOINT'
  | 'SCENARIO'
  | 'OUTPUT';

export class UserError extends Error {
  readonly code: UserErrorCode;
  /** Extra lines (e.g. every problem found in a rules file), printed after the message. */
  readonly details: string[];

  constructor(code: UserErrorCode, message: string, details: string[] = []) {
    super(message);
    this.name = 'UserError';
    this.code = code;
    this.details = details;
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}
