// The public list of errors. Inside core, import an error from its own file: this barrel also
// brings BudgetExceededError, whose Quote type depends on billing and endpoints (a cycle).
export { FalBudgetError, isFalBudgetError, hasFalBudgetErrorCode } from './fal-budget-error.js';
export type { FalBudgetErrorCode, CoreErrorCode, FalAdapterErrorCode, CliErrorCode } from './fal-budget-error-code.js';
export { InvalidOptionError, isInvalidOptionError } from './invalid-option-error.js';
export { InvalidLedgerRequestError, type InvalidLedgerRequestCode } from './invalid-ledger-request-error.js';
export { InvalidRequestError, type RequestIssue, type IssuePath, type RequestIssueCode, type OwnIssueCode } from './invalid-request-error.js';
export { UnknownEndpointError } from './unknown-endpoint-error.js';
export { AmbiguousEndpointError } from './ambiguous-endpoint-error.js';
export { NotOfferedError } from './not-offered-error.js';
export { NoPriceInEffectError } from './no-price-in-effect-error.js';
export {
  PricingTableError,
  formatJsonPath,
  type PricingTableProblem,
} from './pricing-table-error.js';
export { LedgerUnavailableError, isLedgerUnavailableError, type LedgerUnavailableDetails } from './ledger-unavailable-error.js';
export {
  BudgetExceededError, isBudgetExceededError, type BudgetExceededDetails, type RefusingBudget, type BudgetPeriod,
} from './budget-exceeded-error.js';
export { MissingDependencyError, isMissingDependencyError } from './missing-dependency-error.js';
