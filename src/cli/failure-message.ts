import { UnknownEndpointError, type FalBudgetError } from '../core/errors/index.js';
import { nearestName } from './nearest-name.js';

/**
 * The one stderr line for a typed error. An unknown endpoint leads with the nearest known id,
 * when one is close, before the list of every id (which can run long).
 */
export function failureMessage(error: FalBudgetError): string {
  // An id that is known but not to the provider asked for is no typo: another id would be a wrong guess.
  if (error instanceof UnknownEndpointError && !error.knownEndpoints.includes(error.endpoint)) {
    const nearest = nearestName(error.endpoint, error.knownEndpoints);
    const head = `unknown endpoint "${error.endpoint}":`;
    if (nearest !== undefined && error.message.startsWith(head)) return `${head} did you mean ${nearest}? (${error.message.slice(head.length).trim()})`;
  }
  return error.message;
}
