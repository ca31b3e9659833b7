import type { RequestIssue } from './errors/invalid-request-error.js';

/** An issue with a quote option (not a request field): its path is the option's name. */
export function optionIssue(name: string, message: string): RequestIssue {
  return { path: [name], code: 'invalid_option', message };
}
