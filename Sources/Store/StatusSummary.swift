import Semantics

/// The few numbers a status line shows, read from the live store: today's spend, the spend rate, and
/// one session (the one asked for, else the one heard of last) with its cost and context fill. Served
/// as JSON at `GET /api/summary` on the OTLP/HTTP port, for `tokentop statusline`.
public struct StatusSummary: Sendable, Equatable {
    public var spentTodayUSD: Double
    /// Over the cost window, as the header shows it.
    public var dollarsPerHour: Double
    public var unpricedCallsLastHour: Int
    public var llmCalls: Int
    public var budgetUSD: Double?
    public var session: SessionActivity?
    public var sessionRunning = false

    public init(store: borrowing TraceStore, nowNanos: UInt64, sessionID: String?, budgetUSD: Double?) {
        let burn = store.burn(nowNanos: nowNanos)
        spentTodayUSD = burn.spentTodayUSD
        dollarsPerHour = burn.dollarsPerHour
        unpricedCallsLastHour = burn.unpricedCalls
        llmCalls = store.ledger.entries.values.reduce(0) { $0 + $1.calls }
        self.budgetUSD = budgetUSD
        if let sessionID, !sessionID.isEmpty {
            session = store.sessions.sessions[sessionID]
        } else {
            session = store.sessions.sessions.values.max { ($0.lastArrivalNanos, $0.id) < ($1.lastArrivalNanos, $1.id) }
        }
        sessionRunning = session?.isRunning(nowNanos: nowNanos) ?? false
    }

    /// The `session` parameter of a query string (`session=ID&…`), percent-decoded.
    public static func sessionID(inQuery query: String) -> String? {
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0] == "session" else { continue }
            return percentDecoded(String(parts[1]))
        }
        return nil
    }

    static func percentDecoded(_ text: String) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
               let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    public var json: JSON {
        let sessionJSON: JSON = session.map { s in
            .object([
                ("id", .string(s.id)),
                ("agent", s.agent.map { .string($0.rawValue) } ?? .null),
                ("service", .string(s.service)),
                ("running", .bool(sessionRunning)),
                ("llm_calls", .int(Int64(s.calls))),
                ("prompts", .int(Int64(s.prompts))),
                ("cost_usd", .number(s.pricedCostUSD.map(Report.nanoDollars))),
                ("unpriced_calls", .int(Int64(s.unpricedCalls))),
                ("reported_cost_usd", .number(s.reportedCostUSD.map(Report.nanoDollars))),
                ("input_tokens", .int(s.usage.input)),
                ("output_tokens", .int(s.usage.output)),
                ("last_model", .string(s.lastModel)),
                ("last_input_tokens", .int(s.lastInputTokens)),
                ("context_window", s.contextWindow.map { .int(Int64($0)) } ?? .null),
                ("context_fill", .number(s.contextFill)),
            ])
        } ?? .null
        return .object([
            ("spent_today_usd", .double(Report.nanoDollars(spentTodayUSD))),
            ("usd_per_hour", .double(Report.nanoDollars(dollarsPerHour))),
            ("unpriced_calls_last_hour", .int(Int64(unpricedCallsLastHour))),
            ("llm_calls", .int(Int64(llmCalls))),
            ("budget_usd", .number(budgetUSD)),
            ("session", sessionJSON),
        ])
    }
}
