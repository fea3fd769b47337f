import ArgumentParser
import Config
import Foundation
import History
import Ingest
import Store
import Synchronization
import Terminal
import CanvasKit
import Views

/// The default command: receivers plus the live screen, or `--headless`.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Receive OTLP and show it live (the default command).")

    @OptionGroup(title: "Receivers") var receiver: ReceiverAddressOptions

    @OptionGroup(title: "Receivers") var exposure: ExposureOptions

    @OptionGroup(title: "Receivers") var connections: ConnectionOptions

    @OptionGroup(title: "Without the screen") var mode: ModeOptions

    @OptionGroup(title: "Other sources") var sources: SourceOptions

    @OptionGroup(title: "Other sources") var recordReplay: RecordReplayOptions

    @OptionGroup(title: "Cost and alerts") var cost: CostOptions

    @OptionGroup(title: "Cost and alerts") var prices: PricesOption

    @OptionGroup(title: "Cost and alerts") var alertOptions: AlertOptions

    @OptionGroup(title: "Cost and alerts") var alertHooks: AlertHookOptions

    @OptionGroup(title: "Spend history") var historyOptions: HistoryOptions

    @OptionGroup(title: "Memory and limits") var storage: StorageOptions

    @OptionGroup(title: "Memory and limits") var limits: LimitOptions

    @OptionGroup(title: "Forwarding") var forwarding: ForwardOptions

    @OptionGroup(title: "Prometheus") var prometheusOption: PrometheusOption

    @OptionGroup(title: "Screen, settings and logs") var screen: ScreenOptions

    @OptionGroup(title: "Screen, settings and logs") var configOption: ConfigOption

    @OptionGroup(title: "Screen, settings and logs") var logOptions: LogOptions

    var headless: Bool { mode.headless }
    var json: Bool { mode.json }
    var discard: Bool { mode.discard }
    var demo: Bool { mode.demo }
    var follow: String? { sources.follow }
    var theme: String? { screen.theme }
    var maxSpans: Int? { storage.maxSpans }
    var maxMemory: Int? { storage.maxMemory }
    var maxRequestBytes: Int { storage.maxRequestBytes }
    var maxValueDepth: Int { storage.maxValueDepth }
    var budget: Double? { cost.budget }
    var prometheus: String? { prometheusOption.prometheus }

    /// What tokentop takes before it stores anything (code, receivers, histograms), measured at start.
    static let processBaselineMB = 96

    func validate() throws {
        if let prometheus { _ = try Self.hostAndPort(prometheus) }
        guard (maxSpans ?? 1) > 0, maxRequestBytes > 0 else { throw ValidationError("limits must be positive") }
        guard ValueDepthLimit.range.contains(maxValueDepth) else {
            throw ValidationError("--max-value-depth must be between \(ValueDepthLimit.range.lowerBound) and \(ValueDepthLimit.range.upperBound)")
        }
        if let maxMemory, maxMemory < 2 * Self.processBaselineMB {
            throw ValidationError("--max-memory must be at least \(2 * Self.processBaselineMB) MB")
        }
        if json && !headless { throw ValidationError("--json goes with --headless") }
        if discard && (!headless || demo || follow != nil) { throw ValidationError("--discard goes with --headless only") }
        if let budget, !(budget > 0 && budget.isFinite) { throw ValidationError("--budget must be a positive amount in USD") }
        _ = try exposure.bearerToken()
    }

    func run() async throws {
        let config: TokentopConfig, pricing: CallPricing
        let keys: KeyTable
        do {
            config = try configOption.load()
            pricing = try prices.pricing(configured: config.prices)
            keys = try config.keyTable()
        } catch let error as ConfigurationError {
            throw error.reported
        }
        let notices = try logOptions.start(config, headless: headless)
        // Flags win over the config file, which wins over the defaults.
        let (listen, grpcPort, httpPort) = receiver.resolved(config)
        let prometheus = prometheus ?? config.prometheus
        let budget = budget ?? config.budgetUSD
        let themes: [Theme]
        let remembered = RememberedTheme()
        do {
            let userFolder = Theme.userFolder(environment: ProcessInfo.processInfo.environment)
            let asked = theme ?? config.theme
            // A remembered theme that is gone since is forgotten quietly; one asked for must load.
            let chosen = try asked.map { try Theme.load($0, userFolder: userFolder) }
                ?? remembered.name.flatMap { try? Theme.load($0, userFolder: userFolder) } ?? Theme.load("default")
            themes = [chosen] + (Theme.builtin + Theme.user(in: userFolder)).filter { $0.name != chosen.name }
        } catch {
            throw ValidationError("\(error)")
        }
        // The demo's made-up calls stay out of the spend history unless a file is named for them.
        let keepsHistory = !discard && !(demo && historyOptions.history == nil)
        // Under --max-memory the history queue gets a twentieth of it at most, taken from the store's share.
        let queueCapacity = maxMemory.map { LedgerWriter.capacity(withinBytes: ($0 << 20) / 20) } ?? LedgerWriter.defaultCapacity
        let history = keepsHistory ? historyOptions.open(config, queueCapacity: queueCapacity) : nil
        let queueBytes = history?.writer == nil ? 0 : queueCapacity * LedgerWriter.bytesPerQueuedChange
        let storeBudget = maxMemory.map { (($0 - Self.processBaselineMB) << 20) - queueBytes }
        let utcOffset = TimeZone.current.secondsFromGMT()
        let store = LiveStore(limits: StoreLimits(maxSpans: maxSpans ?? config.maxSpans ?? StoreLimits.defaultMaxSpans,
                                                  maxRetainedBytes: storeBudget),
                              pricing: pricing, utcOffsetSeconds: utcOffset,
                              alertThresholds: alertOptions.thresholds(config.alerts), windowSettings: config.windowSettings,
                              ledger: history?.writer)
        if let history {
            store.updateHistory(history.status)
            store.restore(history.restoredCalls(nowNanos: LiveStore.wallClockNanos(),
                                                calendar: LocalCalendar(utcOffsetSeconds: utcOffset),
                                                windowSeconds: max(3600, config.windowSettings.longest.seconds)))
            history.writer?.start { store.updateHistory($0) }
        }
        let discarding = discard ? DiscardSink() : nil
        let sink: any TelemetrySink = discarding ?? LimitingSink(limits.recordLimits, next: StoreSink(store: store))
        let token = try exposure.bearerToken()
        try exposure.checkExposure(addresses: [("--listen", listen)] + (try prometheus.map { [("--prometheus", try Self.hostAndPort($0).0)] } ?? []),
                                   hasToken: token != nil)
        var configuration = OTLPServers.Configuration(host: listen, grpcPort: grpcPort, httpPort: httpPort,
                                                      maxRequestBytes: maxRequestBytes, token: token, sink: sink)
        configuration.maxValueDepth = maxValueDepth
        connections.apply(to: &configuration)
        configuration.tls = try exposure.serverTLS()
        configuration.cors = try exposure.corsPolicy()
        configuration.summary = { [store] query in store.statusSummaryJSON(query: query, budgetUSD: budget) }
        let forwarder = try forwarding.makeForwarder()
        var recorder: Recorder?
        if let path = recordReplay.record {
            do { recorder = try Recorder(path: path) } catch { throw ValidationError(error.description) }
        }
        var relays: [any RequestRelay] = []
        if let forwarder { relays.append(forwarder) }
        if let recorder { relays.append(recorder) }
        configuration.relay = relays.isEmpty ? nil : RelayFanOut(relays)
        let replay: ReplaySource?
        do {
            replay = try recordReplay.replay.map { try ReplaySource(path: $0, speed: recordReplay.speed, sink: sink) }
        } catch {
            throw ValidationError("--replay \(error)")
        }
        let servers: OTLPServers
        do {
            servers = try await OTLPServers.start(configuration)
        } catch {
            let flag = error.receiver == .grpc ? "--grpc-port" : "--http-port"
            FileHandle.standardError.write(Data(
                "tokentop: \(error) (choose another port with \(flag), or 0 for any free port)\n".utf8))
            throw ExitCode(2)
        }
        var scrape: MetricsEndpoint?
        if let prometheus {
            let (host, port) = try Self.hostAndPort(prometheus)
            do {
                scrape = try await MetricsEndpoint.start(host: host, port: port, token: token, tls: configuration.tls) { store.prometheusExposition() }
            } catch {
                FileHandle.standardError.write(Data("tokentop: \(error) (choose another address with --prometheus)\n".utf8))
                await servers.shutdown()
                throw ExitCode(2)
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
        FileHandle.standardError.write(Data(("tokentop listening grpc=\(servers.grpcAddress) http=\(servers.httpAddress)"
            + (configuration.tls != nil ? " tls" : "")
            + (scrape.map { " prometheus=\($0.address)" } ?? "") + "\n").utf8))

        var follower: FollowSource?
        let refusedLines = Tally()
        if let follow {
            let source = FollowSource(path: follow, sink: sink) { event in
                switch event {
                case .badLine(let line, let reason):
                    // A file of garbage must not fill the log: the first lines, then one in a thousand.
                    let count = refusedLines.add()
                    if count <= 20 || count % 1000 == 0 {
                        notices.warn("\(follow):\(line): \(reason)" + (count > 20 ? " (\(count) lines refused so far)" : ""))
                    }
                case .endOfInput:
                    store.noteSourceEnded("stdin ended")
                    notices.logger.info("standard input ended")
                case .file(.missing):
                    notices.warn("\(follow) is not there; waiting for it")
                case .file(.found):
                    notices.tell("\(follow) is there again")
                case .file(.replaced):
                    notices.logger.info("\(follow) was rotated; reading the new file")
                case .file(.truncated(let copy)):
                    let rest = copy.map { " after the rest of the old content from \($0)" } ?? ""
                    notices.logger.info("\(follow) was truncated; reading it from its start\(rest)")
                }
            }
            source.start()
            follower = source
        }
        defer { follower?.stop() }
        if let replay {
            replay.start(clock: LiveStore.wallClockNanos) { count in store.noteSourceEnded("replay done (\(count) requests)") }
        }
        defer { replay?.stop() }

        let demoTraffic = demo ? DemoTraffic(httpAddress: servers.httpAddress, grpcAddress: servers.grpcAddress,
                                      authorization: token?.authorizationHeader) : nil
        if demoTraffic != nil {
            FileHandle.standardError.write(Data(
                "tokentop demo: sending synthetic traffic (service.namespace=\(DemoTraffic.namespace))\n".utf8))
        }
        let hooks = discard ? nil : AlertHooks(command: alertHooks.onAlert, store: store, budgetUSD: budget, notices: notices)
        hooks?.start()
        var summaryHasAlerts = false
        if headless {
            summaryHasAlerts = await runHeadless(store: store, demo: demoTraffic, forwarder: forwarder, history: history,
                                                 discarding: discarding, hooks: hooks)
        } else {
            var context = FrameContext(endpoints: ListenEndpoints(grpc: servers.grpcAddress, http: servers.httpAddress),
                                       utcOffsetSeconds: TimeZone.current.secondsFromGMT(), dailyBudgetUSD: budget)
            context.isDemo = demo
            context.keys = keys
            let dashboard = Dashboard(store: store, context: context, themes: themes, notices: notices,
                                      onThemePicked: { remembered.save($0) },
                                      capability: ColorCapability.detect(environment: ProcessInfo.processInfo.environment),
                                      history: history?.ledger.map { LedgerHistorySource(ledger: $0, calendar: LocalCalendar(utcOffsetSeconds: utcOffset)) })
            let watcher = SignalWatcher { _ in dashboard.requestStop() }
            try await runOnOwnThread { try dashboard.run() }
            withExtendedLifetime(watcher) {}
            await demoTraffic?.stop()
            hooks?.stop()
        }
        await scrape?.shutdown()
        await servers.shutdown()
        forwardUpdates?.cancel()
        await forwarder?.shutdown()
        Self.finish(history)
        if let recorder {
            recorder.close()
            let stats = recorder.stats
            FileHandle.standardError.write(Data(("tokentop: recorded \(stats.recordedRequests) requests to \(recorder.path)"
                + (stats.droppedRequests > 0 ? " (\(stats.droppedRequests) not recorded: \(stats.lastError ?? "the disk fell behind"))" : "")
                + "\n").utf8))
        }
        if alertHooks.failOnAlert, hooks?.anyFired == true || summaryHasAlerts {
            FileHandle.standardError.write(Data("tokentop: an alert fired (--fail-on-alert)\n".utf8))
            throw ExitCode(AlertHooks.alertExitCode)
        }
    }

    /// Writes what is still queued, and says on stderr (the screen is gone by now) what could not be.
    static func finish(_ history: OpenedHistory?) {
        guard let history, let writer = history.writer else { return }
        writer.stop()
        let status = writer.status
        if status.unwritten > 0 || status.problem != nil {
            FileHandle.standardError.write(Data(("tokentop: history: \(status.unwritten) changes not written to \(status.path)"
                + (status.problem.map { " (\($0))" } ?? "") + "\n").utf8))
        }
    }

    /// `127.0.0.1:9464`, `[::1]:9464` or `:9464` (loopback).
    static func hostAndPort(_ text: String) throws -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (0...65535).contains(port) else {
            throw ValidationError("--prometheus takes HOST:PORT, e.g. 127.0.0.1:9464")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "127.0.0.1" : host, port)
    }

    /// One status line a second on stderr until SIGINT/SIGTERM, then the summary on stdout. True when
    /// the summary lists alerts.
    private func runHeadless(store: LiveStore, demo: DemoTraffic?, forwarder: Forwarder?, history: OpenedHistory?,
                             discarding: DiscardSink? = nil, hooks: AlertHooks?) async -> Bool {
        let stop = AsyncStream<Void>.makeStream()
        let watcher = SignalWatcher { _ in stop.continuation.yield() }
        let ticker = Task {
            var lastDiscarded = 0
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                if let discarding {
                    let received = discarding.receivedSpans
                    FileHandle.standardError.write(Data((discarding.statusLine(spansPerSecond: received - lastDiscarded) + "\n").utf8))
                    lastDiscarded = received
                    continue
                }
                let c = store.counters
                let rate = store.spansPerSecond
                FileHandle.standardError.write(Data(("tokentop status recv \(c.receivedSpans) stored \(c.storedSpans)"
                    + " evict \(c.evictedSpans) rej \(c.rejectedSpans) logs \(c.logRecords) points \(c.metricPoints)"
                    + " refused \(c.rejectedRequests) spans/s \(Int(rate.rounded()))\n").utf8))
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
        print(json ? report.json.rendered() : ReportTable.render(report))
        return !report.alerts.isEmpty
    }

    /// The screen loop blocks; it gets a thread of its own so the receivers' tasks keep running.
    private func runOnOwnThread(_ body: @escaping @Sendable () throws -> Void) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            let thread = Thread {
                do { try body(); continuation.resume() } catch { continuation.resume(throwing: error) }
            }
            thread.name = "tokentop.screen"
            thread.start()
        }
    }
}

/// A count shared with a callback.
final class Tally: Sendable {
    private let count = Mutex(0)

    /// Adds one and returns the new count.
    func add() -> Int { count.withLock { $0 += 1; return $0 } }
}
