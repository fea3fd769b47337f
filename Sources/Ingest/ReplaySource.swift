import Foundation
import Synchronization

/// `--replay FILE [--speed N]`: plays a recorded file (OTLP/JSON lines, or any file `report` reads)
/// into the sink with the pacing its timestamps show, each request's times moved to when it is played,
/// so a recorded incident unfolds on screen as if it were happening now. `speed` 0 plays at once.
public final class ReplaySource: Sendable {
    public struct Plan: Sendable {
        /// When to send each request, in nanoseconds after the replay starts, in file order.
        public var offsetsNanos: [UInt64]
    }

    private let requests: [DecodedRequest]
    private let speed: Double
    private let sink: any TelemetrySink
    private let task = Mutex<Task<Void, Never>?>(nil)

    public init(path: String, speed: Double, sink: any TelemetrySink) throws(TelemetryFileError) {
        requests = try TelemetryFile.decode(contentsOf: URL(fileURLWithPath: path))
        self.speed = speed
        self.sink = sink
    }

    public var requestCount: Int { requests.count }

    /// Request i goes out when `(t_i - t_0) / speed` has passed, t being the latest time it carries;
    /// a request that looks older than its predecessor goes out right after it.
    public static func plan(times: [UInt64], speed: Double) -> Plan {
        guard let first = times.first(where: { $0 > 0 }), speed > 0 else {
            return Plan(offsetsNanos: Array(repeating: 0, count: times.count))
        }
        var offsets: [UInt64] = []
        var previous: UInt64 = 0
        for time in times {
            let offset = time > first ? UInt64(Double(time - first) / speed) : 0
            previous = max(previous, offset)
            offsets.append(previous)
        }
        return Plan(offsetsNanos: offsets)
    }

    /// Starts playing; `onFinished` runs after the last request (not when stopped).
    public func start(clock: @escaping @Sendable () -> UInt64, onFinished: @escaping @Sendable (Int) -> Void) {
        let (requests, speed, sink) = (requests, speed, sink)
        let player = Task {
            let plan = Self.plan(times: requests.map(\.batch.latestTimeNanos), speed: speed)
            let started = clock()
            for (index, request) in requests.enumerated() {
                let due = started &+ plan.offsetsNanos[index]
                let now = clock()
                if due > now {
                    do { try await Task.sleep(for: .nanoseconds(Int64(due - now))) } catch { return }
                }
                var batch = request.batch
                let latest = batch.latestTimeNanos
                // Moved to when it was due, not to when it went out: a machine slower to replay must not
                // move a cumulative counter's start time later (a restart, counted twice).
                if latest > 0 { batch.shiftTimes(byNanos: Int64(clamping: due) - Int64(clamping: latest)) }
                sink.accept(batch)
            }
            onFinished(requests.count)
        }
        task.withLock { $0 = player }
    }

    public func stop() {
        task.withLock { $0?.cancel() }
    }
}
