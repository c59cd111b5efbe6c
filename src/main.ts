/** `npm start`: reads the environment, starts Reelgraph, stops it gracefully on SIGINT/SIGTERM. */
import { startReelgraph } from './app';
import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';
import { routeProcessOutput } from './process-output';

// Until the configuration says otherwise; everything the process prints is a JSON line from here on.
const bootLogger = createLogger('info');
routeProcessOutput(bootLogger);

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      bootLogger.fatal({ problems: error.problems }, error.message);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  routeProcessOutput(logger);
  let app;
  try {
    app = await startReelgraph(config, { logger });
  } catch (error) {
    // A bad catalog or policy file is a configuration problem: say what to fix, no stack trace.
    if (error instanceof ConfigError) {
      logger.fatal({ problems: error.problems }, error.message);
      process.exit(2);
    }
    throw error;
  }
  // Build the studio and explorer bundle now (when missing or stale) rather than on the first page view.
  app.internals.web.ready().catch(() => undefined); // a failure is logged there and retried per request
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, 'shutting down');
    app.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        app.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  watchLauncher(stop);
}

/**
 * `npm start` sends signals to npm only; npm forwards SIGINT/SIGTERM to the shell it runs the
 * script in, and `sh -c` (dash) dies of them without passing them on, which used to orphan this
 * process. The script therefore `exec`s node, so npm's child is this process. As a second line of
 * defence (npm killed with SIGKILL, a shell without `exec`), a process started by an npm script
 * also stops gracefully once its parent is gone, i.e. when it has been re-parented. Processes
 * started directly (`node dist/main.js`, containers running node as PID 1) are left alone: their
 * parent leaving is no reason to stop.
 */
function watchLauncher(stop: (signal: string) => void): void {
  if (!process.env.npm_lifecycle_event) return;
  const launcher = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === launcher) return;
    clearInterval(timer);
    stop('parent exited');
  }, 500);
  timer.unref();
}

main().catch((error: unknown) => {
  // e.g. EADDRINUSE: one fatal line saying what failed, not a multi-line stack.
  bootLogger.fatal({ err: error }, `Reelgraph could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
