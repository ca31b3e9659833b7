import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS, parseCommandLine } from '../../src/cli/parser.js';
import { quote } from '../../src/index.js';
import { AT, CLI, ensureBuilt, failureLine, runCli } from './support/cli.js';

const V2V = 'luma/agent/ray/v3.2/video-to-video';

beforeAll(() => ensureBuilt());

describe('did you mean: a mistyped name gets the nearest valid one', () => {
  it('a command, a subcommand, a flag', async () => {
    expect(failureLine(await runCli(['qoute', V2V]))).toBe('fal-budget: unknown command "qoute"; did you mean quote? (see fal-budget --help)');
    expect(failureLine(await runCli(['ledger', 'statsu', '--ledger', 'x.json']))).toBe('fal-budget: unknown command "ledger statsu"; did you mean ledger status? (ledger takes status or journal) (see fal-budget --help)');
    expect(failureLine(await runCli(['pricing', 'chek']))).toBe('fal-budget: unknown command "pricing chek"; did you mean pricing check? (pricing takes check) (see fal-budget --help)');
    expect(failureLine(await runCli(['quote', V2V, '--resolutoin', '720p']))).toBe('fal-budget: quote has no flag --resolutoin; did you mean --resolution? (see fal-budget --help)');
    expect(failureLine(await runCli(['ledger', 'status', '--ledgr', 'x.json']))).toBe('fal-budget: ledger status has no flag --ledgr; did you mean --ledger? (see fal-budget --help)');
    // A flag another command takes is still not this command's.
    expect(failureLine(await runCli(['versions', '--provider', 'fal']))).toBe('fal-budget: versions has no flag --provider (see fal-budget --help)');
  });

  it('an endpoint, with the known ones still listed', async () => {
    expect(failureLine(await runCli(['quote', 'luma/agent/ray/v3.2/video-to-vide', '--at', AT]))).toMatch(
      /^fal-budget: unknown endpoint "luma\/agent\/ray\/v3\.2\/video-to-vide": did you mean luma\/agent\/ray\/v3\.2\/video-to-video\? \(not in any pricing table; known endpoints: luma-ray-3-2-edit, /,
    );
    expect(failureLine(await runCli(['quote', 'something/else', '--at', AT]))).toMatch(/^fal-budget: unknown endpoint "something\/else": not in any pricing table; known endpoints: /);
  });

  it('an unknown provider is called that, with the known ones, not an unknown endpoint', async () => {
    const expected = 'fal-budget: --provider: unknown provider "fall"; did you mean fal? (known providers: fal, gmi, oxen)';
    expect(failureLine(await runCli(['quote', V2V, '--provider', 'fall', '--at', AT]))).toBe(expected);
    expect(failureLine(await runCli(['prices', '--provider', 'fall', '--at', AT]))).toBe(expected);
    expect(failureLine(await runCli(['describe', V2V, '--provider', 'fall', '--at', AT]))).toBe(expected);
    expect(failureLine(await runCli(['quote', V2V, '--provider', 'acme']))).toBe('fal-budget: --provider: unknown provider "acme" (known providers: fal, gmi, oxen)');
  });

  it('a table version no table has', async () => {
    expect(failureLine(await runCli(['prices', '--pricing-version', '2026-11-2']))).toBe(
      'fal-budget: --pricing-version: unknown table version "2026-11-2"; did you mean 2026-11-21? (known versions: 2026-11-21, 2026-12-02)',
    );
  });
});

describe('help', () => {
  it('help <command> is <command> --help, for subcommands too; a mistyped one gets did-you-mean', async () => {
    for (const command of [['quote'], ['batch'], ['describe'], ['ledger', 'status'], ['pricing']]) {
      const viaHelp = await runCli(['help', ...command]);
      expect(viaHelp.code).toBe(0);
      expect(viaHelp.stdout).toBe((await runCli([...command, '--help'])).stdout);
      expect(viaHelp.stdout).toMatch(new RegExp(`^fal-budget ${command.join(' ')}`));
    }
    expect((await runCli(['help'])).stdout).toBe((await runCli(['--help'])).stdout);
    expect(failureLine(await runCli(['help', 'quot']))).toBe('fal-budget: unknown command "quot"; did you mean quote? (see fal-budget --help)');
  });

  it('a command\'s help lists its own flags and exit codes: --version is the program\'s, in the root help only', async () => {
    const root = (await runCli(['--help'])).stdout;
    expect(root).toContain('--version');
    expect(root).toMatch(/Each command's help \(fal-budget help <command>\) lists its own\./);
    for (const command of ['quote', 'batch', 'prices', 'describe', 'versions', 'diff', 'validate', 'reconcile', 'pricing', 'ledger status', 'ledger journal']) {
      const help = (await runCli([...command.split(' '), '--help'])).stdout;
      expect(help, command).not.toContain('--version');
      expect(help, command).toMatch(/Exit codes: 0 /);
    }
    const versions = (await runCli(['versions', '--help'])).stdout;
    expect(versions).not.toMatch(/--max|--provider/);
    expect(versions).not.toMatch(/over --max/);
  });

  it('every example in every command\'s help is a command line the parser runs', async () => {
    const commands = Object.entries(COMMANDS).flatMap(([name, subs]) => (subs.length === 0 ? [[name]] : subs.map((sub) => [name, sub])))
      .filter(([name]) => name !== 'help' && name !== 'completion');
    let examples = 0;
    for (const command of commands) {
      const help = (await runCli([...command, '--help'])).stdout;
      const section = help.split('Examples:\n')[1]?.split('\n\n')[0] ?? '';
      for (const line of section.split('\n')) {
        // "  fal-budget quote ...  what it shows": the command ends at the two spaces before its description.
        const example = /(?:^|\| )fal-budget (.+?) {2,}/.exec(line.trim() + '  ')?.[1];
        if (example === undefined) continue;
        const args = example.replace(/ (?:>|\|).*$/, '').split(' ');
        const parsed = parseCommandLine(args, '0.0.0');
        expect(parsed.kind, `${command.join(' ')}: ${example}`).toBe('run');
        examples += 1;
      }
    }
    expect(examples).toBeGreaterThanOrEqual(15);
  });

  it('the examples that need no file of their own run and exit 0', async () => {
    for (const args of [
      ['describe', V2V],
      ['describe', 'luma-ray-3-2-edit', '--json'],
      ['quote', 'luma-ray-3-2-edit', '--resolution', '720p', '--source-seconds', '22.5', '--max', '10'],
      ['prices', V2V, '--at', '2026-11-24'],
      ['versions', '--json'],
    ]) {
      const help = (await runCli([args[0]!, '--help'])).stdout;
      expect(help, args.join(' ')).toContain(`fal-budget ${args.join(' ')} `);
      const result = await runCli([...args, ...(args.includes('--at') ? [] : ['--at', AT])]);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
    }
  });
});

describe('--set takes only the endpoint\'s own fields', () => {
  const inherited = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];

  it('the CLI: a name inherited from Object.prototype is an unknown field, exit 2', async () => {
    for (const key of inherited) {
      expect(failureLine(await runCli(['quote', V2V, '--set', `${key}=1`, '--at', AT]))).toBe(
        `fal-budget: --set ${key}: ${V2V} has no field "${key}" (its fields: prompt, video_url, start_image_url, resolution, duration, edit_strength, auto_controls, hdr, exr_export)`,
      );
    }
  });

  it('the library: an own key named after an Object.prototype member is an unknown field, never a price input', () => {
    for (const key of inherited) {
      const input = JSON.parse(`{"resolution": "1080p", ${JSON.stringify(key)}: {"hdr": true, "duration": "10s"}}`) as Record<string, unknown>;
      expect(Object.hasOwn(input, key)).toBe(true);
      const priced = quote(V2V, input, { at: AT });
      expect(priced.total).toBe('2.16');
      expect(priced.warnings).toContainEqual({ code: 'unknown_field', message: `${key} is not a field of ${V2V}; the provider will ignore it`, path: [key] });
    }
  });
});

describe('completion', () => {
  it('prints a shell completion script that asks the bin for completions', async () => {
    const result = await runCli(['completion']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^###-begin-fal-budget-completions-###\n/);
    expect(result.stdout).toContain('fal-budget --get-yargs-completions');
    expect(result.stdout).toMatch(/###-end-fal-budget-completions-###\n$/);
  });

  it('the completions of a prefix: commands, then a command\'s own flags, then subcommands', async () => {
    const words = async (...args: string[]) => (await runCli(['--get-yargs-completions', 'fal-budget', ...args])).stdout.split('\n').filter(Boolean);
    expect(await words('qu')).toEqual(expect.arrayContaining(['quote', 'describe', 'batch', 'prices', 'ledger']));
    expect(await words('quote', V2V, '--h')).toEqual(expect.arrayContaining(['--hdr', '--resolution', '--max']));
    expect(await words('versions', '--')).not.toContain('--max');
    expect(await words('ledger', '')).toEqual(['status', 'journal']);
  });

  it('in bash, the script completes "fal-budget qu" to quote', () => {
    const bash = spawnSync('bash', ['--version']);
    if (bash.status !== 0) throw new Error('bash is needed for this test');
    const bin = mkdtempSync(join(tmpdir(), 'fal-budget-bin-'));
    writeFileSync(join(bin, 'fal-budget'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
    chmodSync(join(bin, 'fal-budget'), 0o755);
    const script = `
      eval "$(fal-budget completion)"
      COMP_WORDS=(fal-budget qu); COMP_CWORD=1; _fal-budget_yargs_completions; echo "\${COMPREPLY[@]}"
      COMP_WORDS=(fal-budget ledger st); COMP_CWORD=2; _fal-budget_yargs_completions; echo "\${COMPREPLY[@]}"
    `;
    const result = spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, SHELL: '/bin/bash' } });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('quote\nstatus\n');
  });
});
