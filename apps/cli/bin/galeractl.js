#!/usr/bin/env node
console.error("galeractl: not built yet");
process.exit(1);
