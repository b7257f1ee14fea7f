/**
 * Test support: the reference as users run it, `cnxnspec serve` in a process of its own, from a zoo.cfg written
 * for the test (any free port on 127.0.0.1), with either reference factory. Real clients are pointed at it the way
 * they are pointed at Apache ZooKeeper. stop() sends SIGTERM and waits for the process to end.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../cli/main.ts', import.meta.url));

export type ReferenceFactoryName = 'NIOServerCnxnFactory' | 'NettyServerCnxnFactory';

export interface ServedReference {
  readonly port: number;
  stop(): Promise<void>;
}

export async function serveReference(factory: ReferenceFactoryName, zooCfgLines: readonly string[]): Promise<ServedReference> {
  const dir = mkdtempSync(join(tmpdir(), 'cnxnspec-served-'));
  const cfg = join(dir, 'zoo.cfg');
  writeFileSync(cfg, [`serverCnxnFactory=${factory}`, 'clientPortAddress=127.0.0.1', 'clientPort=0', ...zooCfgLines, ''].join('\n'));
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve', '--config', cfg, '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const stop = async () => {
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await closed;
    clearTimeout(killer);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`cnxnspec serve (${factory}) did not listen within 60 s:\n${stderr}`)), 60_000);
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
        const found = /listening on 127\.0\.0\.1:(\d+)/.exec(stderr);
        if (found) {
          clearTimeout(timer);
          resolve(Number(found[1]));
        }
      });
      void closed.then(() => {
        clearTimeout(timer);
        reject(new Error(`cnxnspec serve (${factory}) ended before listening:\n${stderr}`));
      });
    });
    return { port, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
