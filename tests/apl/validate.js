// Validate APL documents with Amazon's apl-suggester: prints each problem as "file: path: message"; exit 1 if any.
// Usage: node validate.js FILE...
const {StaticAplTemplateValidator} = require('apl-suggester');
const fs = require('fs');

(async () => {
  const validator = new StaticAplTemplateValidator();
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const e of await validator.validate(JSON.parse(fs.readFileSync(file, 'utf8')))) {
      console.log(`${file}: ${e.path}: ${e.errorMessage}`);
      problems++;
    }
  }
  process.exit(problems ? 1 : 0);
})().catch((e) => { console.error(e); process.exit(2); });
