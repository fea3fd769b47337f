import Foundation
import History

extension OpenedHistory {
    /// Opens the ledger for this run; a problem is written to stderr (before any screen is up) and
    /// otherwise only shown, never fatal.
    public static func openTelling(path: String, retentionDays: Int, exclusive: Bool = true,
                                   queueCapacity: Int = LedgerWriter.defaultCapacity) -> OpenedHistory {
        let opened = OpenedHistory.open(path: path, retentionDays: retentionDays, exclusive: exclusive,
                                        queueCapacity: queueCapacity)
        if let problem = opened.status.problem {
            FileHandle.standardError.write(Data("tokentop: \(problem)\n".utf8))
        }
        return opened
    }

    /// Writes what is still queued, and says on stderr (the screen is gone by now) what could not be.
    public func finish() {
        guard let writer else { return }
        writer.stop()
        let status = writer.status
        if status.unwritten > 0 || status.problem != nil {
            FileHandle.standardError.write(Data(("tokentop: history: \(status.unwritten) changes not written to \(status.path)"
                + (status.problem.map { " (\($0))" } ?? "") + "\n").utf8))
        }
    }
}
