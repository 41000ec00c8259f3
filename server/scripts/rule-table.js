#!/usr/bin/env node
// Run by `npm run build` after tsc: writes server/dist/rule-metadata.json, the rules' metadata with
// a fingerprint of the built analysis, so `check` can name rules without loading the analysis
// (see server/src/engine/rule-metadata.ts).
'use strict';
require('../dist/engine/rule-metadata.js').writeRuleTable();
