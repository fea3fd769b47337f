#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// One open file that `FileFollower` reads: its descriptor and identity (device and inode), the read
/// offset, the last bytes read (which must still stand right before the offset, else the file was
/// truncated, however fast it was refilled), and the partial line at its end.
final class FollowedFile {
    /// How many of the last bytes read are compared to notice a truncation.
    static let fingerprintBytes = 4096
    /// Rotated copies looked at, newest first.
    static let copiesSearched = 16

    let path: String
    private let descriptor: Int32
    private let device: UInt64
    private let inode: UInt64
    private var offset: Int64 = 0
    private var recent: [UInt8] = []
    private var splitter: LineSplitter
    /// Set by `readAvailable` when what was read before is no longer there.
    private(set) var wasTruncated = false

    init(path: String, maxLineBytes: Int) throws(FollowedFileError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FollowedFileError(errorNumber: errno) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let error = errno
            close(descriptor)
            throw FollowedFileError(errorNumber: error)
        }
        self.path = path
        self.descriptor = descriptor
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
        splitter = LineSplitter(maxLineBytes: maxLineBytes)
    }

    deinit { close(descriptor) }

    /// Reads to the current end of the file, stopping at once if the file was truncated under it.
    func readAvailable() -> [LineSplitter.Line] {
        wasTruncated = false
        var lines: [LineSplitter.Line] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            guard stillHoldsWhatWasRead() else {
                wasTruncated = true
                break
            }
            let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(offset)) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            offset += Int64(count)
            remember(buffer[..<count])
            lines += splitter.push(buffer[..<count])
        }
        return lines
    }

    /// The unterminated last line, if any, as a line of its own.
    func finish() -> [LineSplitter.Line] {
        splitter.finish().map { [$0] } ?? []
    }

    func seekToEnd() {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return }
        offset = Int64(status.st_size)
        recent = bytes(at: max(0, offset - Int64(Self.fingerprintBytes)), upTo: offset)
    }

    /// Starts again from the beginning, dropping a partial line.
    func rewind() {
        offset = 0
        recent = []
        splitter.reset()
        wasTruncated = false
    }

    static func exists(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0
    }

    /// Another file now has this one's name (renamed away, or deleted and created again); nil when
    /// it is still this file, or when nothing has the name yet.
    func replacement(at path: String) -> FollowedFile? {
        var status = stat()
        guard stat(path, &status) == 0, UInt64(status.st_dev) != device || UInt64(status.st_ino) != inode else { return nil }
        return try? FollowedFile(path: path, maxLineBytes: splitter.maxLineBytes)
    }

    /// After a truncation: the copy the rotation made of this file's old content (a sibling whose name
    /// starts with this one's and which holds the bytes last read at the same offset), positioned where
    /// reading stopped and carrying the partial line, so the rest of the old records are read from it.
    func rotatedCopy() -> FollowedFile? {
        guard !recent.isEmpty else { return nil }
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path, name = url.lastPathComponent
        let compressed = [".gz", ".zst", ".bz2", ".xz", ".lz4", ".zip"]
        let siblings = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasPrefix(name) && $0 != name && !compressed.contains(where: $0.hasSuffix) }
            .map { folder + "/" + $0 }
            .compactMap { path -> (String, Date)? in
                guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                      attributes[.type] as? FileAttributeType == .typeRegular,
                      let modified = attributes[.modificationDate] as? Date else { return nil }
                return (path, modified)
            }
            .sorted { $0.1 > $1.1 }
            .prefix(Self.copiesSearched)
        for (candidatePath, _) in siblings {
            guard let copy = try? FollowedFile(path: candidatePath, maxLineBytes: splitter.maxLineBytes),
                  copy.inode != inode || copy.device != device else { continue }
            copy.offset = offset
            copy.recent = recent
            guard copy.stillHoldsWhatWasRead() else { continue }
            copy.splitter = splitter
            return copy
        }
        return nil
    }

    private func stillHoldsWhatWasRead() -> Bool {
        guard offset > 0 else { return true }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return true }
        guard Int64(status.st_size) >= offset else { return false }
        return bytes(at: offset - Int64(recent.count), upTo: offset) == recent
    }

    private func remember(_ chunk: ArraySlice<UInt8>) {
        if chunk.count >= Self.fingerprintBytes {
            recent = Array(chunk.suffix(Self.fingerprintBytes))
        } else {
            recent.append(contentsOf: chunk)
            if recent.count > Self.fingerprintBytes { recent.removeFirst(recent.count - Self.fingerprintBytes) }
        }
    }

    private func bytes(at start: Int64, upTo end: Int64) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: Int(end - start))
        var filled = 0
        while filled < result.count {
            let count = result.withUnsafeMutableBytes {
                pread(descriptor, $0.baseAddress! + filled, $0.count - filled, off_t(start) + off_t(filled))
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return Array(result[..<filled]) }
            filled += count
        }
        return result
    }
}

struct FollowedFileError: Error {
    let errorNumber: Int32
}

/// inotify on the followed file's folder: wakes the follower as soon as a file in it is written,
/// created, renamed or deleted. nil where inotify is not available (the follower then polls).
final class DirectoryWatch {
    private let descriptor: Int32

    init?(directory: String) {
        #if os(Linux)
        let descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard descriptor >= 0 else { return nil }
        let events = UInt32(IN_MODIFY | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_CLOSE_WRITE | IN_ATTRIB)
        guard inotify_add_watch(descriptor, directory.isEmpty ? "." : directory, events) >= 0 else {
            close(descriptor)
            return nil
        }
        self.descriptor = descriptor
        #else
        return nil
        #endif
    }

    deinit { close(descriptor) }

    /// Returns when something happened in the folder, or after `timeout`.
    func wait(timeout: Duration) {
        var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        guard poll(&request, 1, milliseconds) > 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while buffer.withUnsafeMutableBytes({ read(descriptor, $0.baseAddress, $0.count) }) > 0 {}
    }
}
