import CompressNIO
import NIOCore

/// Incremental gzip inflation that stops as soon as the output would exceed `limit`, so a small
/// compressed body can never make the receiver allocate more than the limit (plus one window).
/// Concatenated gzip members are inflated one after the other, as the gzip format allows.
final class GzipInflater {
    private static let windowSize = 64 * 1024

    let limit: Int
    private var decompressor: ZlibDecompressor
    private var window: ByteBuffer
    private(set) var output: ByteBuffer
    private var memberInProgress = false

    init(limit: Int, allocator: ByteBufferAllocator = ByteBufferAllocator()) throws(DecodeError) {
        self.limit = limit
        do {
            decompressor = try ZlibDecompressor(algorithm: .gzip)
        } catch {
            throw .malformed("cannot start gzip inflation: \(error)")
        }
        window = allocator.buffer(capacity: Self.windowSize)
        output = allocator.buffer(capacity: 0)
    }

    /// Inflates all of `input` (a chunk of the compressed body).
    func feed(_ input: inout ByteBuffer) throws(DecodeError) {
        while input.readableBytes > 0 {
            let before = input.readableBytes
            let produced = try inflateStep(&input)
            if before == input.readableBytes && produced == 0 {
                // zlib refuses input only once a member is complete: what follows is the next member.
                do { try decompressor.reset() } catch { throw .malformed("cannot restart gzip inflation: \(error)") }
                memberInProgress = false
                continue
            }
            memberInProgress = true
        }
    }

    /// Ends the body; fails when the last gzip member is incomplete.
    func finish() throws(DecodeError) -> ByteBuffer {
        if memberInProgress {
            // A complete member makes zlib refuse further input; a truncated one accepts this probe byte.
            var probe = ByteBuffer(bytes: [0])
            _ = try inflateStep(&probe, probing: true)
            if probe.readableBytes == 0 { throw .malformed("gzip body is truncated") }
        }
        return output
    }

    /// Inflates a whole in-memory body.
    static func inflate(_ body: ByteBuffer, limit: Int) throws(DecodeError) -> ByteBuffer {
        let inflater = try GzipInflater(limit: limit)
        var input = body
        try inflater.feed(&input)
        return try inflater.finish()
    }

    /// One call into zlib; returns the number of bytes it produced.
    private func inflateStep(_ input: inout ByteBuffer, probing: Bool = false) throws(DecodeError) -> Int {
        window.clear()
        do {
            try decompressor.inflate(from: &input, to: &window)
        } catch let error as CompressNIOError where error == .bufferOverflow || error == .inputBufferOverflow {
            // Window full, or all input consumed without reaching the end of a member: both normal.
        } catch let error as CompressNIOError where error == .corruptData {
            throw .malformed(probing ? "gzip body is truncated" : "gzip body is corrupt")
        } catch {
            throw .malformed("gzip inflation failed: \(error)")
        }
        let produced = window.readableBytes
        guard output.readableBytes + produced <= limit else { throw .inflatedTooLarge(limit: limit) }
        output.writeBuffer(&window)
        return produced
    }
}
