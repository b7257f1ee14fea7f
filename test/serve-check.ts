/**
 * Test support: `cnxnspec serve` started the way a service manager starts it, then stopped by a signal to the PID
 * that started it. It must answer ruok, exit 0, release its port and leave no process behind (the 'close'
 * event waits for every holder of its stdio).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';

/** Sends a four-letter word and returns the whole answer. */
function fourLetterWord(port: number, word: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(word));
    let answer = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
    socket.on('end', () => resolve(answer)).on('error', reject);
  });
}

/** Whether nothing listens on 127.0.0.1:port any more. */
export function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

function startServe(command: string, args: string[], cwd: string) {
  const child = spawn(process.execPath, [command, 'serve', '--port', '0', ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const port = new Promise<number>((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const found = /listening on 127\.0\.0\.1:(\d+)/.exec(stderr);
      if (found) resolve(Number(found[1]));
    });
    void closed.then((code) => reject(new Error(`serve ended (${code}) before listening:\n${stderr}`)));
  });
  return { child, port, closed, stderr: () => stderr };
}

/** Starts serve through `command`, checks ruok, signals the PID it started, and checks the exit and the port. */
export async function serveStopsOnSignal(command: string, cwd: string, signal: 'SIGTERM' | 'SIGINT', t: { after: (fn: () => void) => void }): Promise<void> {
  const serve = startServe(command, [], cwd);
  t.after(() => void serve.child.kill('SIGKILL'));
  const port = await serve.port;
  assert.equal(await fourLetterWord(port, 'ruok'), 'imok');
  serve.child.kill(signal);
  assert.equal(await serve.closed, 0, serve.stderr());
  assert.match(serve.stderr(), new RegExp(`INFO received ${signal}\\n(.*\\n)*INFO shut down\\n`));
  assert.ok(await refused(port), `port ${port} still accepts connections after serve exited`);
}
