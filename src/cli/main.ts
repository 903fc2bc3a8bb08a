#!/usr/bin/env node
import { hideBin } from 'yargs/helpers';
import { run } from './cli.js';
import { guardStdout } from './output.js';

guardStdout();

process.exitCode = await run(hideBin(process.argv));
