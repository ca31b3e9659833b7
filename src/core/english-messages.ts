import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

/**
 * zod/mini, unlike `zod`, sets no locale: without one every issue reads "Invalid input". This sets
 * zod's English messages the way `zod` itself does on its first schema: only when the app has
 * configured none, so a locale the app chose still wins. An issue's message is written when the
 * parse fails, so this runs before our schemas parse: where the request models build theirs, in
 * safeParseInEnglish everywhere else, and where the exported pricingTableSchema is built (an app
 * may parse with it directly). (zod/mini rather than `zod`: `zod`'s schemas carry every
 * method, and so every schema kind and the JSON Schema generator, into a bundle of the root.)
 */
export function englishMessagesByDefault(): void {
  if (z.config().localeError === undefined) z.config(en());
}

/** `schema.safeParse(value)`, its issues in zod's English unless the app configured a locale. */
export function safeParseInEnglish<Schema extends z.ZodMiniType>(schema: Schema, value: unknown): ReturnType<Schema['safeParse']> {
  englishMessagesByDefault();
  return schema.safeParse(value) as ReturnType<Schema['safeParse']>;
}
