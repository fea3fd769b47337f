import Foundation
import Store

/// The ledger as a run of tokentop has it: written (with its writer), only read (another tokentop
/// writes it), or not at all (it could not be opened); the status says which and why.
public struct OpenedHistory: Sendable {
    public let ledger: CallLedger?
    public let writer: LedgerWriter?
    public let status: HistoryStatus

    /// Never throws: whatever goes wrong is in `status.problem`, and live figures go on without it.
    public static func open(path: String, retentionDays: Int?, exclusive: Bool = true,
                            queueCapacity: Int = LedgerWriter.defaultCapacity,
                            options: CallLedger.Options = CallLedger.Options()) -> OpenedHistory {
        do {
            let ledger = try CallLedger(writing: path, exclusive: exclusive, options: options)
            return OpenedHistory(ledger: ledger, writer: LedgerWriter(ledger: ledger, retentionDays: retentionDays,
                                                                      capacity: queueCapacity),
                                 status: HistoryStatus(path: path, mode: .writing))
        } catch LedgerError.lockedByAnother(let path, let pid) {
            let problem = LedgerError.lockedByAnother(path: path, pid: pid).description
            do {
                return OpenedHistory(ledger: try CallLedger(readingOnly: path), writer: nil,
                                     status: HistoryStatus(path: path, mode: .readOnly, problem: problem))
            } catch {
                return failed(path, "\(error)")
            }
        } catch {
            return failed(path, "\(error)")
        }
    }

    private static func failed(_ path: String, _ problem: String) -> OpenedHistory {
        OpenedHistory(ledger: nil, writer: nil, status: HistoryStatus(path: path, mode: .failed, problem: problem))
    }

    /// Writes what is queued, then closes the file (another tokentop may write it from now on).
    public func close() {
        writer?.stop()
        ledger?.close()
    }

    /// The calls counted today and in the longest burn window, for the store to take again.
    public func restoredCalls(nowNanos: UInt64, calendar: LocalCalendar, windowSeconds: Int) -> [RestoredCall] {
        guard let ledger else { return [] }
        let startOfToday = calendar.startNanos(ofDay: calendar.day(atNanos: nowNanos))
        let windowStart = nowNanos - min(nowNanos, UInt64(windowSeconds) * 1_000_000_000)
        return (try? ledger.restoredCalls(countedSince: min(startOfToday, windowStart))) ?? []
    }
}
