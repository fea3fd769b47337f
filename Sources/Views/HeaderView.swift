import Semantics
import Store

/// The one-line header: name, endpoints, ingest rate and exact span accounting.
public enum HeaderView {
    public static func render(_ snapshot: StoreSnapshot, context: FrameContext, width: Int) -> Canvas {
        var canvas = Canvas(size: Size(width: width, height: 1))
        let counters = snapshot.counters
        let label = Style(.muted)
        // Lower priority numbers are kept longest when the line is too narrow: the accounting
        // matters more than the endpoints, which the empty screen and --help also give.
        var groups: [(priority: Int, spans: [Span])] = [(0, [Span("tokentop", Style(.title, .bold))])]
        if let http = context.endpoints.http { groups.append((4, [Span("http ", label), Span(http)])) }
        if let grpc = context.endpoints.grpc { groups.append((4, [Span("grpc ", label), Span(grpc)])) }
        if context.isDemo { groups.append((0, [Span("DEMO synthetic data", Style(.warning, .bold))])) }
        if let waiting = context.arrivedWhilePaused {
            groups.append((0, [Span("⏸ paused", Style(.warning, .bold)),
                               Span(waiting > 0 ? " +\(Format.compact(waiting)) spans" : "", Style(.warning))]))
        }
        for note in counters.endedSources { groups.append((0, [Span("⏹ " + note, Style(.warning))])) }
        let live = snapshot.spansPerSecond > 0
        groups.append((1, [Span("●", Style(live ? .ok : .muted)), Span(" " + Format.rate(snapshot.spansPerSecond)),
                           Span(" spans/s", label)]))
        groups.append((2, [Span("traces ", label), Span(Format.compact(snapshot.traceCount))]))
        let burn = snapshot.burn
        groups.append((2, [Span(Format.rate(burn.tokensPerSecond)), Span(" tok/s", label)]))
        groups.append((1, [Span("today ", label), Span(Format.cost(burn.spentTodayUSD), Style(.cost))]))
        var spend = [Span(Format.cost(burn.dollarsPerHour), Style(.cost)), Span("/h", label)]
        if burn.unpricedCalls > 0 { spend.append(Span(" +?", Style(.warning))) }
        groups.append((1, spend))
        if let budget = context.dailyBudgetUSD, budget > 0 {
            groups.append((1, budgetSpans(burn, budget: budget, label: label)))  // asked for with --budget
        }
        groups.append((1, [Span("recv ", label), Span(Format.compact(counters.receivedSpans))]))
        groups.append((2, [Span("stored ", label), Span(Format.compact(counters.storedSpans))]))
        groups.append((3, [Span("evict ", label), Span(Format.compact(counters.evictedSpans))]))
        groups.append((1, [Span("rej ", label),
                           Span(Format.compact(counters.rejectedSpans), Style(counters.rejectedSpans > 0 ? .warning : .text))]))

        if !counters.forwarding.isEmpty { groups.append((1, forwardSpans(counters.forwarding, label: label))) }
        if let history = counters.history, let spans = historySpans(history, label: label) { groups.append((0, spans)) }

        let gap = 2, margin = 1
        var kept = groups
        func totalWidth() -> Int { kept.reduce(0) { $0 + $1.spans.displayWidth } + gap * max(0, kept.count - 1) + margin }
        while totalWidth() > width, let lowest = kept.map(\.priority).max(), lowest > 0,
              let drop = kept.lastIndex(where: { $0.priority == lowest }) {
            kept.remove(at: drop)
        }
        var x = margin
        for group in kept {
            x += canvas.put(group.spans, x: x, y: 0, limit: width - x) + gap
        }
        return canvas
    }

    /// Nothing while the history is written as it should be; else what is wrong with it (the history
    /// screen says why): `history read-only`, `history ✗ failed`, `history ✗ 1.2k unwritten`.
    static func historySpans(_ history: HistoryStatus, label: Style) -> [Span]? {
        switch history.mode {
        case .readOnly: return [Span("history ", label), Span("read-only", Style(.warning))]
        case .failed: return [Span("history ", label), Span("✗ off", Style(.error, .bold))]
        case .writing:
            if history.unwritten > 0 {
                return [Span("history ", label), Span("✗ " + Format.compact(history.unwritten) + " unwritten", Style(.error, .bold))]
            }
            if history.problem != nil { return [Span("history ", label), Span("✗ failing", Style(.error, .bold))] }
            return nil
        }
    }

    /// `fwd ✓1.2k`, then `✗3 drop 12 queued 40` in warning colours when requests are failing, dropped or piling up.
    static func forwardSpans(_ upstreams: [UpstreamCounters], label: Style) -> [Span] {
        let sent = upstreams.reduce(0) { $0 + $1.sentRequests }
        let failed = upstreams.reduce(0) { $0 + $1.failedRequests }
        let dropped = upstreams.reduce(0) { $0 + $1.droppedRequests }
        let queued = upstreams.reduce(0) { $0 + $1.pendingRequests }
        var spans = [Span("fwd ", label), Span("✓" + Format.compact(sent))]
        if failed > 0 { spans.append(Span(" ✗" + Format.compact(failed), Style(.error, .bold))) }
        if dropped > 0 { spans.append(Span(" drop " + Format.compact(dropped), Style(.warning, .bold))) }
        if queued > 100 { spans.append(Span(" queued " + Format.compact(queued), Style(.warning))) }
        return spans
    }

    /// `▕████▍   ▏ 62% of $24/day`, and the alarm when the budget is spent or will be at this pace.
    static func budgetSpans(_ burn: BurnSummary, budget: Double, label: Style) -> [Span] {
        let fraction = burn.spentTodayUSD / budget
        let status = burn.budgetStatus(dailyBudgetUSD: budget)
        let barStyle = Style(status == .within ? .accent : .warning)
        let bar = Bars.horizontal(fraction, width: 10)
        var spans = [Span("▕", label), Span(bar.padding(toLength: 10, withPad: " ", startingAt: 0), barStyle), Span("▏ ", label),
                     Span(Format.fixed(fraction * 100, decimals: 0) + "%", barStyle),
                     Span(" of " + Format.cost(budget) + "/day", label)]
        switch status {
        case .within: break
        case .spent: spans.append(Span(" ⚠ budget spent", Style(.warning, .bold)))
        case .projectedOver(let seconds):
            spans.append(Span(" ⚠ budget in " + Format.duration(seconds: seconds), Style(.warning, .bold)))
        }
        return spans
    }
}
