// Validates an OpenAPI document read from stdin with @seriousme/openapi-schema-validator
// (ESM-only, so the CommonJS jest suite runs it in a child process); prints { valid, errors }.
import { Validator } from '@seriousme/openapi-schema-validator';

let text = '';
for await (const chunk of process.stdin) text += chunk;
const result = await new Validator().validate(JSON.parse(text));
process.stdout.write(JSON.stringify({ valid: result.valid, errors: result.errors ?? [] }));
