/**
 * Quoting one argument for the shell a task's command line runs in, so that a value passed to a task
 * (`xlens run train -- <args>`) or shown in a command to copy (`xlens show '<key>'`) is one word and
 * never code.
 */

/**
 * Quotes `arg` for `/bin/sh` (POSIX single quotes, `'` written as `'\''`), or for `cmd.exe` on Windows
 * (double quotes, `"` doubled). Arguments made only of `[A-Za-z0-9_@%+=:,./-]` are returned as they are.
 */
export function shellQuote(arg: string): string {
  if (/^[\w@%+=:,./-]+$/.test(arg)) {
    return arg;
  }
  return process.platform === 'win32' ? `"${arg.replace(/"/g, '""')}"` : `'${arg.replace(/'/g, `'\\''`)}'`;
}
