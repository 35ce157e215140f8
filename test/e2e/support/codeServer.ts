/**
 * Starts code-server (VS Code 1.100.3 served to a browser; installed by scripts/setup-code-server.sh) on a
 * free local port with every folder it writes in a temp directory, optionally with the built extension
 * installed, and stops it by its process group id.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeServerBin, REPO_ROOT } from './paths';

/** A running code-server. */
export interface CodeServer {
  port: number;
  /** Base URL, e.g. `http://127.0.0.1:43123`. */
  url: string;
  /** Temp folder holding its config, user data, extensions and logs. */
  home: string;
  /** Everything it printed so far. */
  output(): string;
  /** Stops the server (its whole process group) and deletes its temp folder. */
  stop(): Promise<void>;
}

export interface CodeServerOptions {
  /** Copy the built extension (`package.json`, `dist/`, `media/`...) into the extensions folder. */
  installExtension?: boolean;
  /** Extra user settings (settings.json). */
  settings?: Record<string, unknown>;
  /** Extra command-line arguments, e.g. `['--log', 'trace']` when debugging the server. */
  args?: string[];
  /**
   * Keep VS Code's workspace trust on (default off): folders then open in Restricted Mode until trusted,
   * without the startup prompt.
   */
  workspaceTrust?: boolean;
  /** Extra environment of the server and so of its extension hosts (e.g. a `PATH` with a probe first). */
  env?: Record<string, string>;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** The files of the extension as an installed copy needs them (its bundles carry their dependencies). */
const EXTENSION_FILES = ['package.json', 'dist', 'media', 'schemas', 'syntaxes', 'README.md', 'LICENSE'];

/**
 * Packages the bundles load at run time instead of bundling (the `nodeExternals` of
 * scripts/esbuildOptions.mjs that are dependencies: native code). An installed extension ships them in its
 * own node_modules, as a `.vsix` would.
 */
const RUNTIME_MODULES = ['@node-rs/crc32'];

/** Copies `name` and the dependencies it needs (optional ones when installed) into `<target>/node_modules`. */
function copyModule(name: string, target: string, seen = new Set<string>()): void {
  const from = join(REPO_ROOT, 'node_modules', name);
  if (seen.has(name) || !existsSync(from)) {
    return;
  }
  seen.add(name);
  cpSync(from, join(target, 'node_modules', name), { recursive: true, dereference: true });
  const pkg = JSON.parse(readFileSync(join(from, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
  };
  for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) {
    copyModule(dep, target, seen);
  }
}

/** Installs the built extension by copying it to `<extensionsDir>/<publisher>.<name>-<version>`. */
export function installExtension(extensionsDir: string): string {
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    publisher: string;
    name: string;
    version: string;
  };
  if (!existsSync(join(REPO_ROOT, 'dist', 'extension.js'))) {
    throw new Error('dist/extension.js is missing: run "node esbuild.js" first.');
  }
  const target = join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
  mkdirSync(target, { recursive: true });
  for (const name of EXTENSION_FILES) {
    const from = join(REPO_ROOT, name);
    if (existsSync(from)) {
      cpSync(from, join(target, name), { recursive: true, filter: (src) => !src.endsWith('.map') });
    }
  }
  for (const name of RUNTIME_MODULES) {
    if (!existsSync(join(REPO_ROOT, 'node_modules', name))) {
      throw new Error(`node_modules/${name} is missing: run "npm ci" first.`);
    }
    copyModule(name, target);
  }
  return target;
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`code-server exited with code ${child.exitCode}`);
    }
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) {
        return;
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer at ${url} within ${timeoutMs} ms`);
}

/** Starts code-server; resolves once it answers HTTP. */
export async function startCodeServer(options: CodeServerOptions = {}): Promise<CodeServer> {
  const bin = codeServerBin();
  const home = mkdtempSync(join(tmpdir(), 'xlens-cs-'));
  const userData = join(home, 'user-data');
  const extensions = join(home, 'extensions');
  const tmp = join(home, 'tmp');
  for (const dir of [
    userData,
    extensions,
    tmp,
    join(home, 'xdg-data'),
    join(home, 'xdg-config'),
    join(userData, 'User'),
  ]) {
    mkdirSync(dir, { recursive: true });
  }
  writeFileSync(join(home, 'config.yaml'), 'auth: none\ncert: false\n');
  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'security.workspace.trust.enabled': options.workspaceTrust === true,
    'security.workspace.trust.startupPrompt': 'never',
    'git.enabled': false,
    'window.commandCenter': false,
    ...options.settings,
  };
  writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  if (options.installExtension) {
    installExtension(extensions);
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const chunks: string[] = [];
  const child = spawn(
    bin,
    [
      '--config',
      join(home, 'config.yaml'),
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      ...(options.workspaceTrust === true ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override',
      '--user-data-dir',
      userData,
      '--extensions-dir',
      extensions,
      ...(options.args ?? []),
    ],
    {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        XDG_DATA_HOME: join(home, 'xdg-data'),
        XDG_CONFIG_HOME: join(home, 'xdg-config'),
        TMPDIR: tmp,
        ...options.env,
      },
    },
  );
  // code-server runs in its own process group (so stop() ends its extension hosts and the runs they
  // started too); if this process ends without stop() (a crash, Ctrl-C, a CI timeout), end the group anyway.
  const killGroup = (): void => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    killGroup();
    rmSync(home, { recursive: true, force: true });
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('exit', killGroup);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  child.stdout?.on('data', (d: Buffer) => chunks.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => chunks.push(d.toString()));
  const stop = async (): Promise<void> => {
    process.off('exit', killGroup);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (child.exitCode === null && child.pid !== undefined) {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }, 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(home, { recursive: true, force: true });
  };
  try {
    await waitForHttp(url, child, 30_000);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${chunks.join('')}`);
  }
  return { port, url, home, output: () => chunks.join(''), stop };
}
