import GRDB

/// The ledger's tables, one migration per schema change. A file that has a migration this list does not
/// know was written by a newer tokentop, and is refused by that migration's name.
enum LedgerSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1 call ledger") { db in
            // Every service, session, agent, provider, model, price rule and tool name, once.
            try db.execute(sql: "CREATE TABLE label (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE)")
            // One row per LLM call. Its identity is its span (trace id in two halves, span id), or for a
            // call first reported by a log event, 0, 0 and a hash of the event.
            try db.execute(sql: """
                CREATE TABLE call (
                    id INTEGER PRIMARY KEY,
                    trace_hi INTEGER NOT NULL, trace_lo INTEGER NOT NULL, span_id INTEGER NOT NULL,
                    started_ms INTEGER NOT NULL,
                    counted_ms INTEGER NOT NULL,
                    service INTEGER NOT NULL, session INTEGER NOT NULL, agent INTEGER NOT NULL,
                    provider INTEGER NOT NULL, model INTEGER NOT NULL,
                    input INTEGER NOT NULL, output INTEGER NOT NULL, cache_read INTEGER NOT NULL,
                    cache_write INTEGER NOT NULL, reasoning INTEGER NOT NULL,
                    cost_usd REAL, reported_cost_usd REAL, price_rule INTEGER NOT NULL,
                    duration_s REAL, finish_reason INTEGER NOT NULL, error TEXT,
                    retried INTEGER NOT NULL, from_event INTEGER NOT NULL)
                """)
            try db.execute(sql: "CREATE UNIQUE INDEX call_identity ON call (span_id, trace_hi, trace_lo)")
            try db.execute(sql: "CREATE INDEX call_started ON call (started_ms)")
            try db.execute(sql: "CREATE INDEX call_counted ON call (counted_ms)")
            try db.execute(sql: """
                CREATE TABLE tool_call (
                    id INTEGER PRIMARY KEY,
                    trace_hi INTEGER NOT NULL, trace_lo INTEGER NOT NULL, span_id INTEGER NOT NULL,
                    started_ms INTEGER NOT NULL,
                    service INTEGER NOT NULL, session INTEGER NOT NULL, agent INTEGER NOT NULL, name INTEGER NOT NULL,
                    duration_s REAL, outcome TEXT, error TEXT)
                """)
            try db.execute(sql: "CREATE UNIQUE INDEX tool_identity ON tool_call (span_id, trace_hi, trace_lo)")
            try db.execute(sql: "CREATE INDEX tool_started ON tool_call (started_ms)")
            // The same rows with their labels spelled out, for people querying the file with sqlite3.
            try db.execute(sql: """
                CREATE VIEW calls AS SELECT call.id, started_ms, counted_ms,
                    printf('%016x%016x', trace_hi, trace_lo) AS trace_id, printf('%016x', span_id) AS span_id,
                    s.text AS service, se.text AS session, a.text AS agent, p.text AS provider, m.text AS model,
                    input, output, cache_read, cache_write, reasoning, cost_usd, reported_cost_usd,
                    r.text AS price_rule, duration_s, f.text AS finish_reason, error, retried, from_event
                FROM call JOIN label s ON s.id = call.service JOIN label se ON se.id = call.session
                    JOIN label a ON a.id = call.agent JOIN label p ON p.id = call.provider
                    JOIN label m ON m.id = call.model JOIN label r ON r.id = call.price_rule
                    JOIN label f ON f.id = call.finish_reason
                """)
            try db.execute(sql: """
                CREATE VIEW tool_calls AS SELECT tool_call.id, started_ms,
                    printf('%016x%016x', trace_hi, trace_lo) AS trace_id, printf('%016x', span_id) AS span_id,
                    s.text AS service, se.text AS session, a.text AS agent, n.text AS name, duration_s, outcome, error
                FROM tool_call JOIN label s ON s.id = tool_call.service JOIN label se ON se.id = tool_call.session
                    JOIN label a ON a.id = tool_call.agent JOIN label n ON n.id = tool_call.name
                """)
        }
        return migrator
    }
}
