#!/usr/bin/env node
import { hideBin } from 'yargs/helpers';
import { run } from './cli.js';

process.exitCode = await run(hideBin(process.argv));
