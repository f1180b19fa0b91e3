/**
 * Preloaded into a spawned CLI by the tests (`node --require`): at exit, writes the process's CPU
 * time in milliseconds (user + system) to file descriptor 3. Other work on the machine stretches
 * wall time, much less CPU time, so time bounds in the tests are on CPU time.
 */
import * as fs from 'node:fs';

process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  try {
    fs.writeSync(3, String((user + system) / 1000));
  } catch {
    // no descriptor 3: not run by the tests
  }
});
