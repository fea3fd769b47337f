import CanvasKit
import Semantics
import Store
import Telemetry

/// The spans of one trace as an indented tree: children under their parent in start order; spans
/// whose parent has not arrived (or that sit in a parent cycle) at the top level, marked as orphans.
public struct TraceTree: Sendable {
    public struct Row: Sendable {
        public var span: StoredSpan
        public var depth: Int
        /// The parent named by the span is not in the trace.
        public var isOrphan: Bool
        /// For each level above and at this row: whether that ancestor (or this row) is the last of its siblings,
        /// which decides between `├─`/`└─` and whether a `│` continues.
        public var lastAtLevel: [Bool]
        /// For agent spans: the LLM calls beneath them (sub-agents' included), what one agent run spent.
        public var subtotal: CallSubtotal?
    }

    /// Tokens and cost of a group of LLM calls, each call counted once (duplicates left out).
    public struct CallSubtotal: Sendable, Equatable {
        public var calls = 0
        public var usage = TokenUsage.zero
        /// Computed cost, or the telemetry's own where no price is known; nil when no call had either.
        public var costUSD: Double?
        /// Calls with tokens but no price: not in `costUSD`.
        public var unpricedCalls = 0

        mutating func add(_ span: StoredSpan) {
            guard case .llm(let call) = span.role, span.duplicateOf == nil else { return }
            calls += 1
            usage += call.usage
            if let usd = span.cost?.usd ?? call.reportedCostUSD {
                costUSD = (costUSD ?? 0) + usd
            } else if span.isUnpricedCall {
                unpricedCalls += 1
            }
        }
    }

    public let rows: [Row]
    /// Start and end of the whole trace; open spans extend it to `nowNanos`.
    public let startNanos: UInt64
    public let endNanos: UInt64

    public init(_ entry: TraceEntry, nowNanos: UInt64) {
        let spans = entry.spans
        let ids = Set(spans.map(\.packed.spanID))
        var children: [SpanID: [Int]] = [:]
        var topLevel: [Int] = []
        for (index, span) in spans.enumerated() {
            let parent = span.packed.parentSpanID
            if span.isRoot || !ids.contains(parent) || parent == span.packed.spanID {
                topLevel.append(index)
            } else {
                children[parent, default: []].append(index)
            }
        }
        func byStart(_ a: Int, _ b: Int) -> Bool {
            (spans[a].packed.startNanos, spans[a].packed.spanID) < (spans[b].packed.startNanos, spans[b].packed.spanID)
        }
        for key in children.keys { children[key]!.sort(by: byStart) }

        var rows: [Row] = []
        var visited = Set<Int>()
        // Iterative, so a hostile, very deep trace cannot exhaust the stack.
        func walk(_ starts: [Int], orphans: Bool) {
            var stack: [(index: Int, depth: Int, last: [Bool])] = []
            for (position, index) in starts.enumerated().reversed() {
                stack.append((index, 0, [position == starts.count - 1]))
            }
            while let (index, depth, last) = stack.popLast() {
                guard visited.insert(index).inserted else { continue }
                let span = spans[index]
                rows.append(Row(span: span, depth: depth, isOrphan: orphans && depth == 0 && !span.isRoot, lastAtLevel: last))
                let kids = (children[span.packed.spanID] ?? []).filter { !visited.contains($0) }
                for (position, child) in kids.enumerated().reversed() {
                    stack.append((child, depth + 1, last + [position == kids.count - 1]))
                }
            }
        }
        walk(topLevel.sorted(by: byStart), orphans: true)
        // Spans in a parent cycle are reachable from no top-level span; they still get a row.
        for index in spans.indices.filter({ !visited.contains($0) }).sorted(by: byStart) where !visited.contains(index) {
            walk([index], orphans: true)
        }
        Self.addSubtotals(&rows)
        self.rows = rows

        var start = UInt64.max, end: UInt64 = 0
        for span in spans {
            start = min(start, span.packed.startNanos)
            end = max(end, span.isOpen ? max(nowNanos, span.packed.startNanos) : span.packed.endNanos)
        }
        startNanos = start == .max ? 0 : start
        endNanos = max(end, startNanos)
    }

    /// Rows are in depth-first order, so a row's subtree is the run of deeper rows after it: each call
    /// adds to the agents open above it.
    private static func addSubtotals(_ rows: inout [Row]) {
        var agentsAbove: [Int] = []
        for index in rows.indices {
            while let last = agentsAbove.last, rows[last].depth >= rows[index].depth { agentsAbove.removeLast() }
            for agent in agentsAbove { rows[agent].subtotal!.add(rows[index].span) }
            if rows[index].span.role.agent != nil {
                rows[index].subtotal = CallSubtotal()
                agentsAbove.append(index)
            }
        }
    }

    public func index(of id: SpanID) -> Int? { rows.firstIndex { $0.span.packed.spanID == id } }
}

extension StoredSpan {
    /// Elapsed time; open spans count up to `nowNanos`.
    func durationNanos(nowNanos: UInt64) -> UInt64 {
        let end = isOpen ? nowNanos : raw.endNanos
        return end > raw.startNanos ? end - raw.startNanos : 0
    }

    /// The short role badge of the tree: `agent`, `llm gpt-4o`, `tool`, `workflow`.
    var badge: (text: String, role: StyleRole) {
        switch role {
        case .agent: ("agent", .accent)
        case .llm(let call): (call.model.isEmpty ? "llm" : "llm " + call.model, .tokens_in)
        case .tool: ("tool", .ok)
        case .workflow(let kind): (kind, .muted)
        case .plain: ("", .muted)
        }
    }

    /// A call with tokens that no price covers: its cost shows as `?`, never `$0`.
    var isUnpricedCall: Bool {
        guard case .llm(let call) = role, cost == nil, call.reportedCostUSD == nil else { return false }
        return call.hasUsage && !call.usage.isZero
    }
}
