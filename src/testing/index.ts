// fal-budget/testing: property-based checks of your own billing against fal-budget's quotes.
// Needs fast-check (an optional peer dependency): npm install --save-dev fast-check
export { arbitraryRequest } from './arbitrary-request.js';
export { arbitraryInvalidRequest, type InvalidRequest } from './arbitrary-invalid-request.js';
export { chargeCoversCost, type Charge, type ChargeCoversCostOptions } from './charge-covers-cost.js';
export type { ArbitraryRequestOptions, GeneratedOptions, GeneratedRequest } from './request-context.js';
