/** One `$ ` command of a console block and the lines shown after it, up to the next command. */
interface ConsoleStep {
  readonly line: number;
  readonly command: string;
  readonly output: string;
}

export interface ConsoleBlock {
  readonly file: string;
  /** The line of the opening fence, 1-based. */
  readonly line: number;
  readonly steps: readonly ConsoleStep[];
  /** Why the block is not run: the text of a `<!-- console: not run: ... -->` comment right above its fence. */
  readonly skip?: string;
}

const OPT_OUT = /^<!-- console: not run: (.*) -->$/;

/**
 * The ```console blocks of a markdown text. A line starting with `$ ` is a command; every line
 * after it, up to the next command or the closing fence, is its output.
 */
export function consoleBlocks(markdown: string, file: string): ConsoleBlock[] {
  const lines = markdown.split('\n');
  const blocks: ConsoleBlock[] = [];
  let fence: string | undefined;
  for (let index = 0; index < lines.length; index++) {
    const text = lines[index]!;
    if (fence !== undefined) {
      if (text === fence) fence = undefined;
      continue;
    }
    const opening = /^(`{3,})(\S*)/.exec(text);
    if (!opening) continue;
    if (opening[2] !== 'console') {
      fence = opening[1];
      continue;
    }
    const start = index;
    const steps: { line: number; command: string; output: string[] }[] = [];
    for (index++; index < lines.length && lines[index] !== opening[1]; index++) {
      const line = lines[index]!;
      if (line.startsWith('$ ')) steps.push({ line: index + 1, command: line.slice(2), output: [] });
      else if (steps.length === 0) throw new Error(`${file}:${index + 1}: a console block starts with a \`$ \` command, not ${JSON.stringify(line)}`);
      else steps.at(-1)!.output.push(line);
    }
    if (index === lines.length) throw new Error(`${file}:${start + 1}: a console block is never closed`);
    const skip = OPT_OUT.exec(lines[start - 1] ?? '')?.[1];
    blocks.push({
      file,
      line: start + 1,
      steps: steps.map((step) => ({ line: step.line, command: step.command, output: step.output.join('\n') })),
      ...(skip === undefined ? {} : { skip }),
    });
  }
  return blocks;
}
