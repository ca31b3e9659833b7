/** The programs a pipeline stage may run: the CLI, and what shows a fixture or trims an output. */
const PROGRAMS: ReadonlySet<string> = new Set(['fal-budget', 'cat', 'head', 'tail']);

/** Shell syntax beyond one pipeline and a discarded stream: command lists, substitution, files written. */
const FORBIDDEN = /[;&`<]|\$\(|\|\||>(?!\/dev\/null(\s|$))/;

/** Quoted text removed, so a `|` or `>` inside an argument is not read as shell syntax. */
const unquoted = (command: string) => command.replace(/'[^']*'|"[^"]*"/g, "''");

/** Why a command may not run in a docs example, or undefined when it may (docs/cli.md says which may). */
export function refusal(command: string): string | undefined {
  const bare = unquoted(command);
  if (FORBIDDEN.test(bare)) return 'only one pipeline is allowed, with 2>/dev/null or >/dev/null as its only redirections';
  for (const stage of bare.split('|')) {
    const program = stage.trim().split(/\s+/)[0] ?? '';
    if (!PROGRAMS.has(program)) return `"${program}" is not one of ${[...PROGRAMS].join(', ')}`;
  }
  return undefined;
}
