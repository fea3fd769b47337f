import Foundation
import Store
import Synchronization
import TokentopLog

/// Watches the store once a second for alerts firing and clearing; runs the `--on-alert` command for
/// each change (never waiting on it) and remembers whether any alert fired.
public final class AlertHooks: Sendable {
    private let command: String?
    private let store: LiveStore
    private let budgetUSD: Double?
    private let notices: Notices
    private let transitions = Mutex(AlertTransitions())
    private let task = Mutex<Task<Void, Never>?>(nil)

    public init(command: String?, store: LiveStore, budgetUSD: Double?, notices: Notices) {
        self.command = command
        self.store = store
        self.budgetUSD = budgetUSD
        self.notices = notices
    }

    public func start() {
        let watcher = Task { [self] in
            while !Task.isCancelled {
                check()
                try? await Task.sleep(for: .seconds(1))
            }
        }
        task.withLock { $0 = watcher }
    }

    /// Stops watching after a last look, so an alert raised by the last calls is not missed.
    public func stop() {
        task.withLock { $0?.cancel() }
        check()
    }

    public var anyFired: Bool { transitions.withLock { !$0.everFired.isEmpty } }

    private func check() {
        let changes = transitions.withLock { $0.update(store.firingAlerts(budgetUSD: budgetUSD)) }
        for change in changes {
            let alert = change.alert
            switch change {
            case .fired: notices.tell("alert: \(alert.message)")
            case .cleared: notices.tell("alert cleared: \(alert.name)")
            }
            if let command { run(command, for: change) }
        }
    }

    private func run(_ command: String, for change: AlertTransitions.Change) {
        let alert = change.alert
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let since = Date(timeIntervalSince1970: Double(alert.sinceNanos) / 1e9)
        process.environment = ProcessInfo.processInfo.environment.merging([
            "TOKENTOP_ALERT": alert.name,
            "TOKENTOP_ALERT_STATE": { if case .fired = change { "firing" } else { "cleared" } }(),
            "TOKENTOP_ALERT_VALUE": alert.valueText,
            "TOKENTOP_ALERT_THRESHOLD": alert.thresholdText,
            "TOKENTOP_ALERT_UNIT": alert.unit == .ratio ? "percent" : "usd",
            "TOKENTOP_ALERT_SINCE": since.formatted(Date.ISO8601FormatStyle()),
            "TOKENTOP_ALERT_MESSAGE": alert.message,
        ]) { $1 }
        // Nothing of the command reaches the terminal under the screen; what it says on stderr goes to the log.
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        let said = HookOutput(errors)
        let notices = notices
        process.terminationHandler = { finished in
            // What the command wrote may still be in the pipe: read to its end (a second at most, in
            // case something the command started in the background holds it open).
            let text = said.text(waitingUpTo: .seconds(1))
            if finished.terminationStatus != 0 {
                notices.warn("--on-alert exited with status \(finished.terminationStatus) for \(alert.name)"
                             + (text.isEmpty ? "" : ": \(text)"))
            } else if !text.isEmpty {
                notices.logger.info("--on-alert said: \(text)")
            }
        }
        do {
            try process.run()
        } catch {
            notices.warn("--on-alert could not start: \(error.localizedDescription)")
        }
    }
}

/// The first 4 KB a hook writes on stderr, read on a thread of its own until the pipe's end.
private final class HookOutput: Sendable {
    private let state = Mutex(Data())
    private let ended = DispatchSemaphore(value: 0)

    init(_ pipe: Pipe) {
        let thread = Thread { [self] in
            let descriptor = pipe.fileHandleForReading.fileDescriptor
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { break }
                state.withLock { if $0.count < 4096 { $0.append(contentsOf: buffer[..<min(count, 4096 - $0.count)]) } }
            }
            ended.signal()
        }
        thread.name = "tokentop-on-alert"
        thread.start()
    }

    func text(waitingUpTo timeout: Duration) -> String {
        _ = ended.wait(timeout: .now() + .milliseconds(Int(timeout.components.seconds * 1000)))
        return state.withLock { String(decoding: $0, as: UTF8.self) }.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
