/// The trace list's filter, as typed after `/`: space-separated terms that must all match.
/// `model:`, `service:`, `agent:`, `session:` match part of that field, `status:` one of running, ok,
/// error, truncated; any other word matches part of the root name, agent, service or a model.
/// Case is ignored.
public struct TraceFilter: Sendable, Hashable {
    enum Term: Sendable, Hashable {
        case model(String), service(String), agent(String), session(String), status(String), text(String)
    }

    /// The filter as typed.
    public let text: String
    let terms: [Term]

    public init(_ text: String = "") {
        self.text = Self.trimmed(text)
        terms = self.text.split(separator: " ", omittingEmptySubsequences: true).map { word in
            let lowered = word.lowercased()
            guard let colon = lowered.firstIndex(of: ":") else { return .text(lowered) }
            let value = String(lowered[lowered.index(after: colon)...])
            switch lowered[..<colon] {
            case "model": return .model(value)
            case "service": return .service(value)
            case "agent": return .agent(value)
            case "session": return .session(value)
            case "status": return .status(value)
            default: return .text(lowered)
            }
        }
    }

    public var isEmpty: Bool { terms.isEmpty }

    public func matches(_ trace: TraceSummary) -> Bool {
        terms.allSatisfy { term in
            switch term {
            case .model(let value): trace.models.contains { $0.lowercased().contains(value) }
            case .service(let value): trace.serviceName.lowercased().contains(value)
            case .agent(let value): (trace.agentName ?? "").lowercased().contains(value)
            case .session(let value): trace.sessionID.lowercased().contains(value)
            case .status(let value): Self.statusNames(trace).contains(value)
            case .text(let value):
                ([trace.rootName, trace.agentName ?? "", trace.serviceName] + trace.models)
                    .contains { $0.lowercased().contains(value) }
            }
        }
    }

    /// The snapshot with only the matching traces.
    public func apply(to snapshot: StoreSnapshot) -> StoreSnapshot {
        guard !isEmpty else { return snapshot }
        var filtered = snapshot
        filtered.traces = snapshot.traces.filter(matches)
        return filtered
    }

    /// The names `status:` accepts for a trace, as the list's status mark shows it.
    private static func statusNames(_ trace: TraceSummary) -> [String] {
        if trace.inFlight { return ["running", "inflight", "open"] }
        if trace.errorSpans > 0 { return ["error", "err", "failed"] }
        if trace.truncatedCalls > 0 { return ["truncated", "length"] }
        return ["ok", "done"]
    }

    private static func trimmed(_ text: String) -> String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" || ($0.isWhitespace && !$0.isNewline) }
        guard let first = text.firstIndex(where: { !blank($0) }), let last = text.lastIndex(where: { !blank($0) })
        else { return "" }
        return String(text[first...last])
    }
}
