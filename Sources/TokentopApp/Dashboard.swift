import Foundation
import Store
import Synchronization
import Terminal
import TokentopLog
import CanvasKit
import Views

/// The interactive screen: redraws when the store changed, a key came, or (while a running timer
/// is on screen) once a second; never more than 30 times a second.
public final class Dashboard: @unchecked Sendable {
    private let store: LiveStore
    private let context: FrameContext
    private let themes: [Theme]
    /// The history ledger, read while the history screens are open.
    private let history: (any HistorySource)?
    /// Problems to show on the notice line (they are in the log too).
    private let notices: Notices?
    /// Told the name of each theme picked with `t`.
    private let onThemePicked: @Sendable (String) -> Void
    /// Wall-clock nanoseconds, for the timers on screen: notices, the history's refresh, the running traces' second.
    private let clock: @Sendable () -> UInt64
    private let stop = Atomic<Bool>(false)
    private static let frameIntervalMs = 33
    /// How often an open history screen reads the ledger again.
    private static let historyRefreshNanos: UInt64 = 2_000_000_000

    /// `themes[0]` is the theme the terminal starts with; `t` cycles through the rest.
    public init(store: LiveStore, context: FrameContext, themes: [Theme], notices: Notices? = nil,
                onThemePicked: @escaping @Sendable (String) -> Void = { _ in }, history: (any HistorySource)? = nil,
                clock: @escaping @Sendable () -> UInt64 = LiveStore.wallClockNanos) {
        precondition(!themes.isEmpty, "the dashboard needs a theme")
        self.clock = clock
        self.notices = notices
        self.onThemePicked = onThemePicked
        self.store = store
        self.context = context
        self.themes = themes
        self.history = history
    }

    /// What the history screens show: read again when the split or the open day changes, and every
    /// two seconds while open (the writer adds to the ledger as calls arrive).
    private struct HistoryReads {
        var data: HistoryScreenData?
        var readAt: UInt64 = 0
        var split: SpendHistory.Split?
        var day: Int64?

        /// True when what is shown changed.
        mutating func refresh(_ state: ViewState, source: (any HistorySource)?, status: HistoryStatus?, now: UInt64) -> Bool {
            guard state.showsHistory else {
                data = nil
                return false
            }
            let today = data?.history?.today
            let day = state.historyDayOpen ? today.map { state.selectedHistoryDay(today: $0) } : nil
            guard data == nil || state.historySplit != split || day != self.day || now > readAt + Dashboard.historyRefreshNanos
            else { return false }
            var fresh = HistoryScreenData(status: status)
            fresh.history = source?.spendHistory(split: state.historySplit, days: ViewState.historyDays, nowNanos: now)
            if state.historyDayOpen, let history = fresh.history {
                fresh.day = source?.historyDay(state.selectedHistoryDay(today: history.today))
            }
            readAt = now
            split = state.historySplit
            self.day = state.historyDayOpen ? fresh.history.map { state.selectedHistoryDay(today: $0.today) } : nil
            defer { data = fresh }
            return fresh != data
        }
    }

    /// Ends `run` at its next turn; safe from any thread (a signal watcher's).
    public func requestStop() { stop.store(true, ordering: .relaxed) }

    /// Draws on `terminal` and reads its keys on the calling thread until `q` or `requestStop()`. The
    /// terminal stays the caller's to restore.
    public func run(on terminal: any TerminalDriver) {
        var state = ViewState()
        var drawnVersion: UInt64 = .max
        var drawnSecond: UInt64 = 0
        var drawnState = state
        var drawnSize = Size(width: 0, height: 0)
        var themeIndex = 0
        var snapshot = store.snapshot(query: state.traceQuery(screen: terminal.size))
        var pausedAtReceived: Int?
        var noticeUntil: UInt64 = 0
        var drawnWaiting: Int?
        var historyReads = HistoryReads()
        var noticeSerial = 0
        while !stop.load(ordering: .relaxed) {
            // A new snapshot only when something arrived, the list wants other rows, or each second while
            // a running timer shows. The store lists only the rows around the selection; the sessions
            // screen and a paused screen (which scrolls and sorts on its own) take every row.
            let timerRunning = snapshot.runningTraces > 0
            let wanted = state.showsSessions || state.paused ? nil : state.traceQuery(screen: terminal.size)
            // Paused, the screen keeps its snapshot and only counts what arrives meanwhile.
            var frameContext = context
            if state.paused {
                let received = store.counters.receivedSpans
                if pausedAtReceived == nil {
                    if snapshot.window != nil { snapshot = store.snapshot(query: nil) }
                    pausedAtReceived = snapshot.counters.receivedSpans
                }
                frameContext.arrivedWhilePaused = received - (pausedAtReceived ?? received)
                if frameContext.arrivedWhilePaused != drawnWaiting { drawnVersion = .max }
                drawnWaiting = frameContext.arrivedWhilePaused
            } else {
                pausedAtReceived = nil
                drawnWaiting = nil
                let now = clock()
                // Every row costs time under the store lock as traces pile up: the sessions screen
                // takes them at most once a second while spans arrive.
                let wholeIsFresh = wanted == nil && snapshot.window == nil && now < snapshot.takenAtNanos + 1_000_000_000
                if (store.version != snapshot.version && !wholeIsFresh) || wanted != snapshot.window?.query
                    || (timerRunning && now / 1_000_000_000 != drawnSecond) {
                    snapshot = store.snapshot(query: wanted)
                }
            }
            let size = terminal.size
            if let (serial, text) = notices?.newest(after: noticeSerial) {
                noticeSerial = serial
                state.notice = "⚠ " + text
                state.noticeIsWarning = true
                noticeUntil = clock() + 10_000_000_000
            }
            if state.notice != nil, clock() > noticeUntil {
                state.notice = nil
                state.noticeIsWarning = false
            }
            // Only the open trace is copied out of the store, and only while one is open.
            let openTrace = state.drill.flatMap { store.trace($0.traceID) }
            if historyReads.refresh(state, source: history, status: snapshot.counters.history, now: clock()) { drawnVersion = .max }
            let second = snapshot.takenAtNanos / 1_000_000_000
            let timerVisible = timerRunning && second != drawnSecond && !state.paused
            if snapshot.version != drawnVersion || state != drawnState || size != drawnSize || timerVisible {
                state = state.reconciled(with: snapshot, screen: size)
                terminal.draw(Frame.render(snapshot, state: state, size: size, context: frameContext, openTrace: openTrace,
                                           history: historyReads.data))
                drawnVersion = snapshot.version
                drawnState = state
                drawnSize = size
                drawnSecond = second
            }
            guard let key = terminal.readKey(timeoutMs: Self.frameIntervalMs) else { continue }
            state = reduce(state, key: key, snapshot: snapshot, screen: terminal.size, keys: context.keys, openTrace: openTrace)
            if let spanID = state.copyRequest {
                state.copyRequest = nil
                if let span = openTrace?.span(spanID) {
                    let json = SpanExport.otlpJSON(span.raw)
                    terminal.copyToClipboard(json)
                    state.noticeIsWarning = false
                    state.notice = "copied span \(spanID.hex) as OTLP JSON (\(Format.grouped(json.utf8.count)) bytes) to the clipboard"
                    noticeUntil = clock() + 3_000_000_000
                }
            }
            if let text = state.valueCopyRequest {
                state.valueCopyRequest = nil
                terminal.copyToClipboard(text)
                state.noticeIsWarning = false
                state.notice = "copied the value (\(Format.grouped(text.utf8.count)) bytes) to the clipboard"
                noticeUntil = clock() + 3_000_000_000
            }
            if state.themeIndex % themes.count != themeIndex {
                themeIndex = state.themeIndex % themes.count
                terminal.apply(theme: themes[themeIndex])
                onThemePicked(themes[themeIndex].name)
                drawnVersion = .max
            }
            if state.quitRequested { break }
        }
    }
}
