#!/usr/bin/env node
// The meshward CLI entry: registers tsx so the TypeScript sources run as they are, then runs main.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
