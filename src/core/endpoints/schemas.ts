import { z } from 'zod';

/**
 * Builds the two validation levels from one shape: `strict` is the provider's schema as published;
 * `quote` makes optional the required fields that do not change the price (prompt, media URLs),
 * so a plan can be priced before its prompt is written.
 */
export function validationLevels(shape: z.ZodRawShape, notPriced: readonly string[]) {
  const strictSchema = z.object(shape);
  const mask = Object.fromEntries(notPriced.map((name) => [name, true as const]));
  const quoteSchema = strictSchema.partial(mask);
  return {
    strictSchema: strictSchema as unknown as z.ZodType<Record<string, unknown>>,
    quoteSchema: quoteSchema as unknown as z.ZodType<Record<string, unknown>>,
  };
}
