import Store

/// How the trace list is sorted; `s` cycles through the columns, each newest/largest first, then
/// back to start time.
public struct TraceOrder: Sendable, Equatable {
    public enum Column: String, Sendable, CaseIterable {
        case started, duration, cost, tokens, llmCalls = "llm calls", errors
    }

    public var column = Column.started

    public init(column: Column = .started) {
        self.column = column
    }

    /// The next column in the cycle.
    public var next: TraceOrder {
        let all = Column.allCases
        return TraceOrder(column: all[(all.firstIndex(of: column)! + 1) % all.count])
    }

    /// Largest first; ties keep the store's newest-first order.
    public func sorted(_ traces: [TraceSummary]) -> [TraceSummary] {
        guard column != .started else { return traces }
        let key: (TraceSummary) -> Double = switch column {
        case .started: { Double($0.startNanos) }
        case .duration: { Double($0.durationNanos) }
        case .cost: { $0.costUSD ?? -1 }
        case .tokens: { Double($0.usage.input + $0.usage.output) }
        case .llmCalls: { Double($0.llmCalls) }
        case .errors: { Double($0.errorSpans) }
        }
        return traces.enumerated().sorted { a, b in
            let (ka, kb) = (key(a.element), key(b.element))
            return ka != kb ? ka > kb : a.offset < b.offset
        }.map(\.element)
    }
}

extension ViewState {
    /// The snapshot as the trace list shows it: filtered, then sorted.
    public func listed(_ snapshot: StoreSnapshot) -> StoreSnapshot {
        var listed = filter.apply(to: snapshot)
        listed.traces = order.sorted(listed.traces)
        return listed
    }
}
