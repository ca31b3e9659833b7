import { NotOfferedError } from '../errors/not-offered-error.js';

/** A card without a price for this combination: not offered, never $0. */
export function notOffered(endpoint: string, provider: string, combination: Record<string, string>): never {
  throw new NotOfferedError(endpoint, provider, combination);
}
