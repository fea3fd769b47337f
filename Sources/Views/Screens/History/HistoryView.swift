import CanvasKit
import Semantics
import Store

/// What the history screens show, read from the ledger by the executable while they are open.
public struct HistoryScreenData: Sendable, Equatable {
    public var history: SpendHistory?
    /// The open day (`Enter`), once read.
    public var day: HistoryDay?
    /// The ledger's state: where it is, and what went wrong with it.
    public var status: HistoryStatus?

    public init(history: SpendHistory? = nil, day: HistoryDay? = nil, status: HistoryStatus? = nil) {
        self.history = history
        self.day = day
        self.status = status
    }
}

/// `H`: spend per day for the last 30 days as bars split by model (or service, agent, session), with
/// week and month totals and the most expensive sessions beside them when there is room.
public enum HistoryView {
    /// Glyphs of a bar's parts, largest first, so the parts differ without colour too; the last is the rest.
    static let glyphs = ["█", "▓", "▒", "░", "·"]
    static let roles: [StyleRole] = [.tokens_in, .tokens_out, .cost, .accent, .muted]
    static let namedParts = glyphs.count - 1

    public static func render(_ data: HistoryScreenData, state: ViewState, size: Size, context: FrameContext) -> Canvas {
        var canvas = Canvas(size: size)
        guard let history = data.history else {
            canvas.box(canvas.bounds, title: "Spend history", border: Style(.border_focused))
            let message = data.status.map { status in
                status.problem ?? "cannot read \(status.path)"
            } ?? "No spend history in this run: --no-history, history = \"off\" in the config file, or --demo without --history FILE."
            canvas.put(message, x: 2, y: size.height / 2, style: Style(data.status?.problem != nil ? .warning : .muted),
                       limit: max(0, size.width - 4))
            return canvas
        }
        let total = history.days.reduce(into: SpendHistory.Totals()) { $0.add($1.totals) }
        canvas.box(canvas.bounds, title: "Spend history · last \(history.days.count) days by \(history.split.rawValue) · "
                   + Format.cost(total.costUSD) + " · " + Format.grouped(total.calls) + " calls",
                   border: Style(.border_focused))
        let inner = canvas.bounds.inset
        guard inner.width > 20, inner.height > 3 else { return canvas }
        // Beside the days when there is room, else below them.
        let sideWidth = inner.width >= 110 ? min(48, inner.width / 3) : 0
        // Without the side column, the week and month totals take a line above the legend; what is
        // wrong with the ledger (read-only, a full disk) takes the first line.
        let totalsLine = sideWidth == 0 && inner.height > 6 ? 1 : 0
        let problem = data.status?.problem.map { "⚠ " + $0 }
        if let problem {
            canvas.put(problem, x: inner.x + 1, y: inner.y, style: Style(.warning), limit: inner.width - 2)
        }
        let problemLine = problem == nil ? 0 : 1
        let days = Rect(x: inner.x + 1, y: inner.y + problemLine, width: inner.width - 2 - (sideWidth > 0 ? sideWidth + 2 : 0),
                        height: inner.height - 1 - totalsLine - problemLine)
        let legend = legendParts(history)
        drawDays(history, legend: legend, state: state, in: days, canvas: &canvas)
        if totalsLine > 0 {
            canvas.put(periodTotals(history), x: inner.x + 1, y: inner.y + inner.height - 2, limit: inner.width - 2)
        }
        canvas.put(legendLine(legend, history: history), x: inner.x + 1, y: inner.y + inner.height - 1, limit: inner.width - 2)
        if sideWidth > 0 {
            let side = Rect(x: days.x + days.width + 2, y: days.y, width: sideWidth, height: days.height)
            drawPeriods(history, status: data.status, in: side, canvas: &canvas, offset: context.utcOffsetSeconds)
        }
        return canvas
    }

    /// The names that get their own glyph: the largest over the whole period; the rest share the last.
    static func legendParts(_ history: SpendHistory) -> [String] {
        var totals: [String: Double] = [:]
        for day in history.days { for part in day.parts { totals[part.name, default: 0] += part.costUSD } }
        return totals.filter { $0.value > 0 }.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
            .prefix(namedParts).map(\.key)
    }

    /// `this week $4.05  last week $3.54  this month $4.05  last month $15.45`.
    private static func periodTotals(_ history: SpendHistory) -> [StyledRun] {
        var spans: [StyledRun] = []
        let periods = [("this week", history.weeks.last), ("last week", history.weeks.dropLast().last),
                       ("this month", history.months.last), ("last month", history.months.dropLast().last)]
        for (name, period) in periods {
            guard let period else { continue }
            spans += [StyledRun(name + " ", Style(.muted)), StyledRun(Format.cost(period.totals.costUSD) + "   ", Style(.cost))]
        }
        return spans
    }

    private static func legendLine(_ legend: [String], history: SpendHistory) -> [StyledRun] {
        var spans: [StyledRun] = []
        for (index, name) in legend.enumerated() {
            spans.append(StyledRun(glyphs[index] + " ", Style(roles[index])))
            spans.append(StyledRun(name + "  ", Style(.text)))
        }
        if history.days.contains(where: { $0.parts.contains { !legend.contains($0.name) && $0.costUSD > 0 } }) {
            spans.append(StyledRun(glyphs[namedParts] + " ", Style(roles[namedParts])))
            spans.append(StyledRun("other  ", Style(.text)))
        }
        if legend.isEmpty { spans.append(StyledRun("no priced calls in these days", Style(.muted))) }
        return spans
    }

    private static func drawDays(_ history: SpendHistory, legend: [String], state: ViewState, in rect: Rect,
                                 canvas: inout Canvas) {
        guard rect.height > 1, !history.days.isEmpty else { return }
        let header = Style(.header, .bold)
        let dayWidth = 10, costWidth = 10, callsWidth = 7
        canvas.put("  day", x: rect.x, y: rect.y, width: dayWidth + 2, style: header)
        canvas.put("cost", x: rect.x + dayWidth + 2, y: rect.y, width: costWidth, style: header, align: .right)
        canvas.put("calls", x: rect.x + dayWidth + 3 + costWidth, y: rect.y, width: callsWidth, style: header, align: .right)
        let barX = rect.x + dayWidth + 5 + costWidth + callsWidth
        let barWidth = rect.x + rect.width - barX
        let largest = history.days.map(\.totals.costUSD).max() ?? 0
        // Newest at the bottom, the selection kept in view.
        let visible = rect.height - 1
        let selected = state.selectedHistoryDay(in: history)
        let first = max(0, min(history.days.count - visible, selected - visible / 2))
        for (offset, day) in history.days.dropFirst(first).prefix(visible).enumerated() {
            let y = rect.y + 1 + offset
            let isToday = day.day == history.today
            let label = weekday(day.day) + " " + dateLabel(day.day, short: true)
            canvas.put((isToday ? "▶ " : "  ") + label, x: rect.x, y: y, width: dayWidth + 2,
                       style: Style(isToday ? .running : .text))
            let cost = day.totals.calls == 0 ? "" : Format.cost(day.totals.costUSD) + (day.totals.unpricedCalls > 0 ? "+?" : "")
            canvas.put(cost, x: rect.x + dayWidth + 2, y: y, width: costWidth, style: Style(.cost), align: .right)
            canvas.put(day.totals.calls == 0 ? "·" : Format.compact(day.totals.calls), x: rect.x + dayWidth + 3 + costWidth, y: y,
                       width: callsWidth, style: Style(day.totals.calls == 0 ? .muted : .text), align: .right)
            if barWidth > 2, largest > 0 {
                drawBar(day, legend: legend, largest: largest, x: barX, y: y, width: barWidth, canvas: &canvas)
            }
            if first + offset == selected {
                canvas.restyle(Rect(x: rect.x - 1, y: y, width: rect.width + 2, height: 1), style: Style(.selected, .bold))
            }
        }
    }

    /// The day's cost as a bar as long as its share of the largest day's, one stretch per part.
    private static func drawBar(_ day: SpendHistory.Day, legend: [String], largest: Double, x: Int, y: Int, width: Int,
                                canvas: inout Canvas) {
        var stretches = Array(repeating: 0.0, count: glyphs.count)
        for part in day.parts where part.costUSD > 0 {
            stretches[legend.firstIndex(of: part.name) ?? namedParts] += part.costUSD
        }
        let cells = Int((day.totals.costUSD / largest * Double(width)).rounded())
        var used = 0, covered = 0.0
        for (index, cost) in stretches.enumerated() where cost > 0 {
            covered += cost
            // Rounded on the running sum, so the stretches add up to the bar.
            let end = Int((covered / day.totals.costUSD * Double(cells)).rounded())
            let length = max(end - used, used < cells ? 1 : 0)
            guard length > 0 else { continue }
            canvas.put(String(repeating: glyphs[index], count: min(length, width - used)), x: x + used, y: y,
                       style: Style(roles[index]))
            used += length
        }
    }

    private static func drawPeriods(_ history: SpendHistory, status: HistoryStatus?, in rect: Rect, canvas: inout Canvas,
                                    offset: Int) {
        var y = rect.y
        func line(_ spans: [StyledRun]) {
            guard y < rect.y + rect.height else { return }
            canvas.put(spans, x: rect.x, y: y, limit: rect.width)
            y += 1
        }
        func row(_ label: String, _ totals: SpendHistory.Totals, current: Bool) {
            let cost = pad(Format.cost(totals.costUSD), 9)
            let calls = pad(Format.compact(totals.calls), 6) + " calls"
            let gap = max(1, rect.width - label.count - cost.count - calls.count - 2)
            line([StyledRun(label, Style(current ? .running : .text)), StyledRun(String(repeating: " ", count: gap)),
                  StyledRun(calls, Style(.muted)), StyledRun("  " + cost, Style(.cost))])
        }
        line([StyledRun("Weeks", Style(.header, .bold))])
        for week in history.weeks.suffix(5) {
            row(week.label, week.totals, current: week.firstDay <= history.today && history.today < week.firstDay + 7)
        }
        y += 1
        line([StyledRun("Months", Style(.header, .bold))])
        for month in history.months.suffix(3) {
            row(month.label, month.totals, current: month.firstDay == history.months.last?.firstDay)
        }
        y += 1
        line([StyledRun("Most expensive sessions", Style(.header, .bold))])
        if history.topSessions.isEmpty { line([StyledRun("none with a session id", Style(.muted))]) }
        for session in history.topSessions {
            guard y < rect.y + rect.height - 2 else { break }
            let cost = Format.cost(session.totals.costUSD)
            let who = session.agent.isEmpty ? session.service : session.agent
            let id = String(session.id.prefix(max(4, rect.width - cost.count - who.count - 4)))
            line([StyledRun(id, Style(.text)), StyledRun(" " + who, Style(.muted)),
                  StyledRun(String(repeating: " ", count: max(1, rect.width - id.count - who.count - cost.count - 1))),
                  StyledRun(cost, Style(.cost))])
        }
        y = max(y, rect.y + rect.height - 2)
        let file = status?.path ?? ""
        let since = history.oldestNanos.map { " since " + dateLabel(LocalCalendar(utcOffsetSeconds: offset).day(atNanos: $0), short: false) } ?? ""
        line([StyledRun(Format.grouped(history.ledgerCalls) + " calls, " + Format.grouped(history.ledgerTools) + " tool calls" + since,
                   Style(.muted))])
        line([StyledRun(file, Style(.muted))])
    }

    static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - DisplayWidth.of(text))) + text
    }

    static func weekday(_ day: Int64) -> String {
        ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][Int(((day % 7) + 7) % 7)]
    }

    /// `12-05`, or `2026-12-05`.
    static func dateLabel(_ day: Int64, short: Bool) -> String {
        let (y, m, d) = LocalCalendar.civil(day)
        let md = (m < 10 ? "0" : "") + "\(m)-" + (d < 10 ? "0" : "") + "\(d)"
        return short ? md : "\(y)-" + md
    }
}

