/** The CLI as the benchmark runs it: the real `run`, then its exit code and peak RSS on the last stderr line. */
import { run } from '../../src/cli/cli.js';

const code = await run(process.argv.slice(2));
process.stderr.write(`\nBENCH ${JSON.stringify({ code, maxRssKb: process.resourceUsage().maxRSS, cpuMs: (process.resourceUsage().userCPUTime + process.resourceUsage().systemCPUTime) / 1000 })}\n`);
process.exitCode = code;
