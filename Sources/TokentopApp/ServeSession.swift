import CanvasKit
import Foundation
import History
import Ingest
import Store
import Terminal
import TokentopLog
import Views

/// One run of the server, start to finish: the store and the spend history, the receivers and the
/// other sources, forwarding, Prometheus, the alert hooks, then the screen (or the headless status
/// lines and summary) until quit or a signal, then everything stopped in order.
public struct ServeSession: Sendable {
    public let settings: ServeSettings
    public let notices: Notices
    /// Opens the screen's terminal with the first theme; the session restores it.
    public let makeTerminal: @Sendable (Theme) throws -> any TerminalDriver

    public init(settings: ServeSettings, notices: Notices,
                makeTerminal: @escaping @Sendable (Theme) throws -> any TerminalDriver) {
        self.settings = settings
        self.notices = notices
        self.makeTerminal = makeTerminal
    }

    /// Throws `ExitStatus` when a receiver cannot start (2) or an alert fired with `--fail-on-alert` (3),
    /// `SettingsError` for a file that cannot be opened.
    public func run() async throws {
        let settings = settings, notices = notices
        let history = openHistory()
        let store = makeStore(history: history)
        let residentBound = storeShare(history: history).flatMap { share in
            settings.maxMemoryMB.map { ResidentBound(budget: ResidentBudget(boundBytes: $0 << 20, ceilingBytes: share), store: store) }
        }
        residentBound?.start()
        defer { residentBound?.stop() }
        let discarding = settings.discard ? DiscardSink() : nil
        let sink: any TelemetrySink = discarding ?? LimitingSink(settings.recordLimits, next: StoreSink(store: store))
        var configuration = serverConfiguration(sink: sink, store: store)
        let forwarder = settings.forward.isEmpty ? nil : Forwarder(destinations: settings.forward, policy: forwardPolicy)
        var recorder: Recorder?
        if let path = settings.record {
            do { recorder = try Recorder(path: path) } catch { throw SettingsError.usage(error.description) }
        }
        let relays: [any RequestRelay] = [forwarder as (any RequestRelay)?, recorder].compactMap { $0 }
        configuration.relay = relays.isEmpty ? nil : RelayFanOut(relays)
        let replay: ReplaySource?
        do {
            replay = try settings.replay.map { try ReplaySource(path: $0, speed: settings.replaySpeed, sink: sink) }
        } catch {
            throw SettingsError.usage("--replay \(error)")
        }
        let servers: OTLPServers
        do {
            servers = try await OTLPServers.start(configuration)
        } catch {
            let flag = error.receiver == .grpc ? "--grpc-port" : "--http-port"
            Self.tell("tokentop: \(error) (choose another port with \(flag), or 0 for any free port)")
            throw ExitStatus.couldNotRun
        }
        var scrape: MetricsEndpoint?
        if let prometheus = settings.prometheus {
            do {
                scrape = try await MetricsEndpoint.start(host: prometheus.host, port: prometheus.port, token: settings.token,
                                                         tls: settings.tls) { store.prometheusExposition() }
            } catch {
                Self.tell("tokentop: \(error) (choose another address with --prometheus)")
                await servers.shutdown()
                throw ExitStatus.couldNotRun
            }
        }
        let forwardUpdates = forwarder.map { forwarder in
            Task {
                var failing = ForwardFailures()
                while !Task.isCancelled {
                    let stats = forwarder.stats
                    store.updateForwarding(stats)
                    for problem in failing.news(stats, now: .now) { notices.warn(problem) }
                    try? await Task.sleep(for: .milliseconds(250))
                }
            }
        }
        Self.tell("tokentop listening grpc=\(servers.grpcAddress) http=\(servers.httpAddress)"
            + (settings.tls != nil ? " tls" : "") + (scrape.map { " prometheus=\($0.address)" } ?? ""))

        let follower = settings.follow.map { FollowedFileReporter(path: $0, notices: notices, store: store).start(sink: sink) }
        defer { follower?.stop() }
        replay?.start(clock: LiveStore.wallClockNanos) { count in store.noteSourceEnded("replay done (\(count) requests)") }
        defer { replay?.stop() }

        let demoTraffic = settings.demo ? DemoTraffic(httpAddress: servers.httpAddress, grpcAddress: servers.grpcAddress,
                                                      authorization: settings.token?.authorizationHeader) : nil
        if demoTraffic != nil {
            Self.tell("tokentop demo: sending synthetic traffic (service.namespace=\(DemoTraffic.namespace))")
        }
        let hooks = settings.discard ? nil
            : AlertHooks(command: settings.onAlert, store: store, budgetUSD: settings.budgetUSD, notices: notices)
        hooks?.start()
        var summaryHasAlerts = false
        if settings.headless {
            summaryHasAlerts = await runHeadless(store: store, demo: demoTraffic, forwarder: forwarder, history: history,
                                                 discarding: discarding, hooks: hooks, residentBound: residentBound)
        } else {
            try await runScreen(store: store, servers: servers, history: history)
            await demoTraffic?.stop()
            hooks?.stop()
        }
        await scrape?.shutdown()
        await servers.shutdown()
        forwardUpdates?.cancel()
        await forwarder?.shutdown()
        history?.finish()
        if let recorder {
            recorder.close()
            let stats = recorder.stats
            Self.tell("tokentop: recorded \(stats.recordedRequests) requests to \(recorder.path)"
                + (stats.droppedRequests > 0 ? " (\(stats.droppedRequests) not recorded: \(stats.lastError ?? "the disk fell behind"))" : ""))
        }
        if settings.failOnAlert, hooks?.anyFired == true || summaryHasAlerts {
            Self.tell("tokentop: an alert fired (--fail-on-alert)")
            throw ExitStatus.alertFired
        }
    }

    /// Under `--max-memory` the history queue gets a twentieth of it at most, taken from the store's share.
    private var historyQueueCapacity: Int {
        settings.maxMemoryMB.map { LedgerWriter.capacity(withinBytes: ($0 << 20) / 20) } ?? LedgerWriter.defaultCapacity
    }

    private func openHistory() -> OpenedHistory? {
        settings.historyPath.map {
            OpenedHistory.openTelling(path: $0, retentionDays: settings.historyDays, queueCapacity: historyQueueCapacity)
        }
    }

    /// Under `--max-memory`, the store's share at start: the bound less the process's baseline and the
    /// history queue. `ResidentBound` moves it as the resident size tells.
    private func storeShare(history: OpenedHistory?) -> Int? {
        let queueBytes = history?.writer == nil ? 0 : historyQueueCapacity * LedgerWriter.bytesPerQueuedChange
        return settings.maxMemoryMB.map { (($0 - ServeSettings.processBaselineMB) << 20) - queueBytes }
    }

    private func makeStore(history: OpenedHistory?) -> LiveStore {
        let storeBudget = storeShare(history: history)
        let utcOffset = TimeZone.current.secondsFromGMT()
        let store = LiveStore(limits: StoreLimits(maxSpans: settings.maxSpans, maxRetainedBytes: storeBudget),
                              pricing: CallPricing(table: settings.priceTable), utcOffsetSeconds: utcOffset,
                              alertThresholds: settings.alertThresholds, windowSettings: settings.windowSettings,
                              ledger: history?.writer)
        if let history {
            store.updateHistory(history.status)
            store.restore(history.restoredCalls(nowNanos: LiveStore.wallClockNanos(),
                                                calendar: LocalCalendar(utcOffsetSeconds: utcOffset),
                                                windowSeconds: max(3600, settings.windowSettings.longest.seconds)))
            history.writer?.start { store.updateHistory($0) }
        }
        return store
    }

    private func serverConfiguration(sink: any TelemetrySink, store: LiveStore) -> OTLPServers.Configuration {
        var configuration = OTLPServers.Configuration(host: settings.listen, grpcPort: settings.grpcPort,
                                                      httpPort: settings.httpPort, maxRequestBytes: settings.maxRequestBytes,
                                                      token: settings.token, sink: sink, packers: store.packers)
        configuration.maxValueDepth = settings.maxValueDepth
        configuration.maxConnections = settings.maxConnections
        configuration.requestTimeout = settings.requestTimeout
        configuration.idleTimeout = settings.idleTimeout
        configuration.tls = settings.tls
        configuration.cors = settings.cors
        let budget = settings.budgetUSD
        configuration.summary = { [store] query in store.statusSummaryJSON(query: query, budgetUSD: budget) }
        return configuration
    }

    private var forwardPolicy: Forwarder.Policy {
        var policy = Forwarder.Policy()
        policy.queueBytes = settings.forwardQueueBytes
        return policy
    }

    private func runScreen(store: LiveStore, servers: OTLPServers, history: OpenedHistory?) async throws {
        let utcOffset = TimeZone.current.secondsFromGMT()
        var context = FrameContext(endpoints: ListenEndpoints(grpc: servers.grpcAddress, http: servers.httpAddress),
                                   utcOffsetSeconds: utcOffset, dailyBudgetUSD: settings.budgetUSD)
        context.isDemo = settings.demo
        context.keys = settings.keys
        let remembered = RememberedTheme(folders: settings.folders)
        let dashboard = Dashboard(store: store, context: context, themes: settings.themes, notices: notices,
                                  onThemePicked: { remembered.save($0) },
                                  history: history?.ledger.map { LedgerHistorySource(ledger: $0, calendar: LocalCalendar(utcOffsetSeconds: utcOffset)) })
        let watcher = SignalWatcher { _ in dashboard.requestStop() }
        let makeTerminal = makeTerminal, firstTheme = settings.themes[0]
        try await Self.runOnOwnThread {
            let terminal = try makeTerminal(firstTheme)
            defer { terminal.restore() }
            dashboard.run(on: terminal)
        }
        withExtendedLifetime(watcher) {}
    }

    /// One status line a second on stderr until SIGINT/SIGTERM, then the summary on stdout. True when
    /// the summary lists alerts.
    private func runHeadless(store: LiveStore, demo: DemoTraffic?, forwarder: Forwarder?, history: OpenedHistory?,
                             discarding: DiscardSink?, hooks: AlertHooks?, residentBound: ResidentBound?) async -> Bool {
        let stop = AsyncStream<Void>.makeStream()
        let watcher = SignalWatcher { _ in stop.continuation.yield() }
        let ticker = Task {
            var lastDiscarded = 0
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                if let discarding {
                    let received = discarding.receivedSpans
                    Self.tell(discarding.statusLine(spansPerSecond: received - lastDiscarded))
                    lastDiscarded = received
                    continue
                }
                let c = store.counters
                let rate = store.spansPerSecond
                Self.tell("tokentop status recv \(c.receivedSpans) stored \(c.storedSpans)"
                    + " evict \(c.evictedSpans) rej \(c.rejectedSpans) logs \(c.logRecords) points \(c.metricPoints)"
                    + " refused \(c.rejectedRequests) spans/s \(Int(rate.rounded()))"
                    + (residentBound.map { " resident \(($0.residentBytes ?? 0) >> 20) MB share \($0.shareBytes >> 20) MB" } ?? ""))
            }
        }
        for await _ in stop.stream { break }
        ticker.cancel()
        withExtendedLifetime(watcher) {}
        // Stopped before the summary, so the summary's counts do not move while it is taken.
        await demo?.stop()
        hooks?.stop()
        // What was counted is written before the summary, so its history counts are final.
        if let writer = history?.writer {
            writer.stop()
            store.updateHistory(writer.status)
        }
        // What was accepted goes out before the summary, so its forward counts are final.
        if let forwarder {
            await forwarder.shutdown()
            store.updateForwarding(forwarder.stats)
        }
        if let discarding {
            print(discarding.summaryJSON)
            return false
        }
        let now = LiveStore.wallClockNanos()
        let report = store.read { Report(store: $0, nowNanos: now) }
        print(settings.json ? report.json.rendered() : ReportTable.render(report))
        return !report.alerts.isEmpty
    }

    /// The screen loop blocks; it gets a thread of its own so the receivers' tasks keep running.
    private static func runOnOwnThread(_ body: @escaping @Sendable () throws -> Void) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            let thread = Thread {
                do { try body(); continuation.resume() } catch { continuation.resume(throwing: error) }
            }
            thread.name = "tokentop.screen"
            thread.start()
        }
    }

    /// A line on standard error (the screen is not up, or not yet).
    static func tell(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

/// `--follow FILE`: tells what happens to the file as notices and log lines.
struct FollowedFileReporter: Sendable {
    let path: String
    let notices: Notices
    let store: LiveStore
    private let refusedLines = Tally()

    init(path: String, notices: Notices, store: LiveStore) {
        self.path = path
        self.notices = notices
        self.store = store
    }

    func start(sink: any TelemetrySink) -> FollowSource {
        let source = FollowSource(path: path, sink: sink) { event in report(event) }
        source.start()
        return source
    }

    private func report(_ event: FollowSource.Event) {
        switch event {
        case .badLine(let line, let reason):
            // A file of garbage must not fill the log: the first lines, then one in a thousand.
            let count = refusedLines.add()
            if count <= 20 || count % 1000 == 0 {
                notices.warn("\(path):\(line): \(reason)" + (count > 20 ? " (\(count) lines refused so far)" : ""))
            }
        case .endOfInput:
            store.noteSourceEnded("stdin ended")
            notices.logger.info("standard input ended")
        case .file(.missing):
            notices.warn("\(path) is not there; waiting for it")
        case .file(.found):
            notices.tell("\(path) is there again")
        case .file(.replaced):
            notices.logger.info("\(path) was rotated; reading the new file")
        case .file(.truncated(let copy)):
            let rest = copy.map { " after the rest of the old content from \($0)" } ?? ""
            notices.logger.info("\(path) was truncated; reading it from its start\(rest)")
        }
    }
}
