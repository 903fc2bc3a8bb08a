import { UserError } from '../errors.js';

/**
 * A usage error whose message already says what to type ("did you mean --project?", "--width must be …"), so the
 * CLI prints it as the one line it is, without the general pointer to --help after it.
 */
export class SelfExplainingUsageError extends UserError {
  constructor(message: string) {
    super('USAGE', message);
  }
}
