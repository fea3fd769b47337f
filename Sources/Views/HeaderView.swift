import CanvasKit
import Semantics
import Store
import Telemetry

/// The one-line header: name, endpoints, ingest rate and exact span accounting.
public enum HeaderView {
    public static func render(_ snapshot: StoreSnapshot, context: FrameContext, width: Int) -> Canvas {
        var canvas = Canvas(size: Size(width: width, height: 1))
        let counters = snapshot.counters
        let label = Style(.muted)
        // Lower priority numbers are kept longest when the line is too narrow: the accounting
        // matters more than the endpoints, which the empty screen and --help also give.
        var groups: [(priority: Int, spans: [StyledRun])] = [(0, [StyledRun("tokentop", Style(.title, .bold))])]
        if let http = context.endpoints.http { groups.append((4, [StyledRun("http ", label), StyledRun(http)])) }
        if let grpc = context.endpoints.grpc { groups.append((4, [StyledRun("grpc ", label), StyledRun(grpc)])) }
        if context.isDemo { groups.append((0, [StyledRun("DEMO synthetic data", Style(.warning, .bold))])) }
        if let waiting = context.arrivedWhilePaused {
            groups.append((0, [StyledRun("⏸ paused", Style(.warning, .bold)),
                               StyledRun(waiting > 0 ? " +\(Format.compact(waiting)) spans" : "", Style(.warning))]))
        }
        for note in counters.endedSources { groups.append((0, [StyledRun("⏹ " + note, Style(.warning))])) }
        let live = snapshot.spansPerSecond > 0
        groups.append((1, [StyledRun("●", Style(live ? .ok : .muted)), StyledRun(" " + Format.rate(snapshot.spansPerSecond)),
                           StyledRun(" spans/s", label)]))
        groups.append((2, [StyledRun("traces ", label), StyledRun(Format.compact(snapshot.traceCount))]))
        let burn = snapshot.burn
        groups.append((2, [StyledRun(Format.rate(burn.tokensPerSecond)), StyledRun(" tok/s", label)]))
        groups.append((1, [StyledRun("today ", label), StyledRun(Format.cost(burn.spentTodayUSD), Style(.cost))]))
        var spend = [StyledRun(Format.cost(burn.dollarsPerHour), Style(.cost)), StyledRun("/h", label)]
        if burn.unpricedCalls > 0 { spend.append(StyledRun(" +?", Style(.warning))) }
        groups.append((1, spend))
        if let budget = context.dailyBudgetUSD, budget > 0 {
            groups.append((1, budgetSpans(burn, budget: budget, label: label)))  // asked for with --budget
        }
        groups.append((1, [StyledRun("recv ", label), StyledRun(Format.compact(counters.receivedSpans))]))
        groups.append((2, [StyledRun("stored ", label), StyledRun(Format.compact(counters.storedSpans))]))
        groups.append((3, [StyledRun("evict ", label), StyledRun(Format.compact(counters.evictedSpans))]))
        groups.append((1, [StyledRun("rej ", label),
                           StyledRun(Format.compact(counters.rejectedSpans), Style(counters.rejectedSpans > 0 ? .warning : .text))]))

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
    static func historySpans(_ history: HistoryStatus, label: Style) -> [StyledRun]? {
        switch history.mode {
        case .readOnly: return [StyledRun("history ", label), StyledRun("read-only", Style(.warning))]
        case .failed: return [StyledRun("history ", label), StyledRun("✗ off", Style(.error, .bold))]
        case .writing:
            if history.unwritten > 0 {
                return [StyledRun("history ", label), StyledRun("✗ " + Format.compact(history.unwritten) + " unwritten", Style(.error, .bold))]
            }
            if history.problem != nil { return [StyledRun("history ", label), StyledRun("✗ failing", Style(.error, .bold))] }
            return nil
        }
    }

    /// `fwd ✓1.2k`, then `✗3 drop 12 queued 40` in warning colours when requests are failing, dropped or piling up.
    static func forwardSpans(_ upstreams: [UpstreamCounters], label: Style) -> [StyledRun] {
        let sent = upstreams.reduce(0) { $0 + $1.sentRequests }
        let failed = upstreams.reduce(0) { $0 + $1.failedRequests }
        let dropped = upstreams.reduce(0) { $0 + $1.droppedRequests }
        let queued = upstreams.reduce(0) { $0 + $1.pendingRequests }
        var spans = [StyledRun("fwd ", label), StyledRun("✓" + Format.compact(sent))]
        if failed > 0 { spans.append(StyledRun(" ✗" + Format.compact(failed), Style(.error, .bold))) }
        if dropped > 0 { spans.append(StyledRun(" drop " + Format.compact(dropped), Style(.warning, .bold))) }
        if queued > 100 { spans.append(StyledRun(" queued " + Format.compact(queued), Style(.warning))) }
        return spans
    }

    /// `▕████▍   ▏ 62% of $24/day`, and the alarm when the budget is spent or will be at this pace.
    static func budgetSpans(_ burn: BurnSummary, budget: Double, label: Style) -> [StyledRun] {
        let fraction = burn.spentTodayUSD / budget
        let status = burn.budgetStatus(dailyBudgetUSD: budget)
        let barStyle = Style(status == .within ? .accent : .warning)
        let bar = Bars.horizontal(fraction, width: 10)
        var spans = [StyledRun("▕", label), StyledRun(bar.padding(toLength: 10, withPad: " ", startingAt: 0), barStyle), StyledRun("▏ ", label),
                     StyledRun(Format.fixed(fraction * 100, decimals: 0) + "%", barStyle),
                     StyledRun(" of " + Format.cost(budget) + "/day", label)]
        switch status {
        case .within: break
        case .spent: spans.append(StyledRun(" ⚠ budget spent", Style(.warning, .bold)))
        case .projectedOver(let seconds):
            spans.append(StyledRun(" ⚠ budget in " + Format.duration(seconds: seconds), Style(.warning, .bold)))
        }
        return spans
    }
}
