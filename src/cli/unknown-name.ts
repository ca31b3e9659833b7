import { didYouMean } from './nearest-name.js';

/** The commands and subcommands the parser registers, by name. */
export type CommandTree = Readonly<Record<string, readonly string[]>>;

/**
 * What a strict-mode failure was about, in words with the nearest valid name: the first unknown
 * command, subcommand or flag. yargs recommends only commands, and its "Did you mean" is lost
 * behind the "Unknown argument" it reports after it, so the CLI works this out itself.
 * `flags` are the names the failing command takes (yargs' keys, aliases and camelCase forms).
 */
export function unknownName(positionals: readonly string[], args: readonly string[], commands: CommandTree, flags: ReadonlySet<string>): string | undefined {
  const [command, sub] = positionals;
  if (command !== undefined && !Object.hasOwn(commands, command)) {
    return `unknown command "${command}"${didYouMean(command, Object.keys(commands))}`;
  }
  const subs = command === undefined ? [] : commands[command]!;
  if (subs.length > 0 && sub !== undefined && !subs.includes(sub)) {
    return `unknown command "${command} ${sub}"${didYouMean(sub, subs, (name) => `${command} ${name}`)} (${command} takes ${subs.join(' or ')})`;
  }
  const named = command === undefined ? 'fal-budget' : subs.length > 0 && sub !== undefined ? `${command} ${sub}` : command;
  for (const arg of args) {
    if (arg === '--') break;
    // -5 is a value (--max -5), not a flag.
    const match = /^--?([^-=\d][^=]*)(?:=.*)?$/s.exec(arg);
    if (!match) continue;
    const name = match[1]!;
    if (flags.has(name) || (name.startsWith('no-') && flags.has(name.slice(3)))) continue;
    const candidates = [...flags].filter((flag) => flag.length > 1 && !/[A-Z]/.test(flag));
    return `${named} has no flag ${arg.startsWith('--') ? '--' : '-'}${name}${didYouMean(name, candidates, (flag) => `--${flag}`)}`;
  }
  return undefined;
}
