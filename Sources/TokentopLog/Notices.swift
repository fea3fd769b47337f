import Logging
import Synchronization

/// Problems a user must see (a followed file gone, an upstream failing, an alert hook that failed):
/// each is logged, and the newest is shown on the screen's notice line, never written to the terminal
/// under the screen.
public final class Notices: Sendable {
    public let logger: Logger
    private let newest = Mutex<(serial: Int, text: String)?>(nil)

    public init(logger: Logger) {
        self.logger = logger
    }

    /// Logged as a warning and shown.
    public func warn(_ text: String, _ metadata: Logger.Metadata? = nil) {
        logger.warning("\(text)", metadata: metadata)
        show(text)
    }

    /// Logged as a notice and shown (an alert firing, a file found again).
    public func tell(_ text: String, _ metadata: Logger.Metadata? = nil) {
        logger.notice("\(text)", metadata: metadata)
        show(text)
    }

    /// The newest notice, if it came after `serial`.
    public func newest(after serial: Int) -> (serial: Int, text: String)? {
        newest.withLock { latest in latest.flatMap { $0.serial > serial ? $0 : nil } }
    }

    private func show(_ text: String) {
        newest.withLock { latest in latest = ((latest?.serial ?? 0) + 1, text) }
    }
}
