// duckdb_score.js - runs bench/duckdb_hotel.sql with @duckdb/node-api.
//
//   node duckdb_score.js EVENTS.csv [OUT.csv]      (OUT: standard output)
//
// The DuckDB peer of bench/run.sh.  The module is found through NODE_PATH
// (run.sh installs the version pinned in bench/package-lock.json into
// build/bench/node/); the query is one statement, run once, in an in-memory
// database with DuckDB's defaults (a thread per core).
'use strict';
const fs = require('fs');
const path = require('path');
const { DuckDBInstance } = require('@duckdb/node-api');

function literal(s) {
    return "'" + s.replace(/'/g, "''") + "'";
}

async function main() {
    const [log, out = '/dev/stdout'] = process.argv.slice(2);
    if (!log) {
        process.stderr.write('usage: node duckdb_score.js EVENTS.csv [OUT.csv]\n');
        process.exit(2);
    }
    const sql = fs.readFileSync(path.join(__dirname, 'duckdb_hotel.sql'), 'utf8')
        .replaceAll('{{LOG}}', literal(path.resolve(log)))
        .replaceAll('{{OUT}}', literal(out));
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    await conn.run(sql);
    conn.closeSync();
}

main().catch((e) => {
    process.stderr.write(`duckdb_score.js: ${e.message}\n`);
    process.exit(1);
});
