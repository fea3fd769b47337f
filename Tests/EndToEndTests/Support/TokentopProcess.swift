import Foundation
import XCTest

/// The real `tokentop` binary, started by a test on free loopback ports.
/// Unchecked: the captured output is only touched under `lock`.
final class TokentopProcess: @unchecked Sendable {
    static var binary: URL {
        // xctest bundles live next to the package's executables in the build folder.
        let bundle = Bundle(for: TokentopProcess.self).bundleURL
        var dir = bundle.deletingLastPathComponent()
        if !FileManager.default.fileExists(atPath: dir.appendingPathComponent("tokentop").path) {
            dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        }
        return dir.appendingPathComponent("tokentop")
    }

    let process = Process()
    private let stdout = Pipe()
    private let stderr = Pipe()
    private var stderrText = ""
    private var stdoutData = Data()
    private var stdoutClosed = false
    private let lock = NSLock()
    /// The state folder made for this process alone, removed with it.
    private let ownStateHome: String?
    private(set) var grpcPort = 0
    private(set) var httpPort = 0

    /// A config folder with nothing in it, so the user's own config.toml and prices.toml stay out of tests.
    static let emptyConfigHome = FileManager.default.temporaryDirectory
        .appendingPathComponent("tokentop-tests-no-config-\(ProcessInfo.processInfo.processIdentifier)").path

    /// A state folder of its own for each process, so that no test writes the user's spend history
    /// and no two share one (unless a test passes `XDG_STATE_HOME` itself).
    static func freshStateHome() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("tokentop-tests-state-\(UUID().uuidString)").path
    }

    init(_ arguments: [String], stdin: FileHandle? = nil, configHome: String = TokentopProcess.emptyConfigHome,
         environment: [String: String] = [:]) throws {
        process.executableURL = Self.binary
        process.arguments = arguments
        let stateHome = Self.freshStateHome()
        ownStateHome = environment["XDG_STATE_HOME"] == nil ? stateHome : nil
        process.environment = ProcessInfo.processInfo.environment
            .merging(["XDG_CONFIG_HOME": configHome, "XDG_STATE_HOME": stateHome]) { $1 }
            .merging(environment) { $1 }
        process.standardOutput = stdout
        process.standardError = stderr
        if let stdin { process.standardInput = stdin }
        // Blocking reads on threads of their own: a read returns 0 only at the real end of the output,
        // which Foundation's readability handlers do not promise.
        Self.drain(stdout) { [weak self] data in
            guard let self else { return }
            self.lock.lock()
            if let data { self.stdoutData += data } else { self.stdoutClosed = true }
            self.lock.unlock()
        }
        Self.drain(stderr) { [weak self] data in
            guard let self, let data else { return }
            self.lock.lock()
            self.stderrText += String(decoding: data, as: UTF8.self)
            self.lock.unlock()
        }
        try process.run()
    }

    /// Reads `pipe` until its end, passing each chunk and then nil. The pipe is held until then.
    private static func drain(_ pipe: Pipe, _ take: @escaping @Sendable (Data?) -> Void) {
        let thread = Thread {
            let descriptor = pipe.fileHandleForReading.fileDescriptor
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { break }
                take(Data(buffer[..<count]))
            }
            take(nil)
        }
        thread.start()
    }

    /// Starts a headless server on free ports and waits for its "listening" line.
    static func headless(_ extra: [String] = [], stdin: FileHandle? = nil) throws -> TokentopProcess {
        let p = try TokentopProcess(["--headless", "--json", "--grpc-port", "0", "--http-port", "0"] + extra, stdin: stdin)
        try p.waitForListening()
        return p
    }

    var errorOutput: String {
        lock.lock()
        defer { lock.unlock() }
        return stderrText
    }

    func waitForListening(timeout: TimeInterval = 30) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let line = errorOutput.split(separator: "\n").first(where: { $0.hasPrefix("tokentop listening ") }) {
                for field in line.split(separator: " ") {
                    let parts = field.split(separator: "=")
                    guard parts.count == 2, let port = parts[1].split(separator: ":").last.flatMap({ Int($0) }) else { continue }
                    if parts[0] == "grpc" { grpcPort = port }
                    if parts[0] == "http" { httpPort = port }
                }
                return
            }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw NSError(domain: "tokentop", code: 1, userInfo: [NSLocalizedDescriptionKey: "never listened: \(errorOutput)"])
    }

    /// Waits until standard error contains `needle` (headless logs a status line every second).
    func waitForStatus(containing needle: String, timeout: TimeInterval = 20) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if errorOutput.contains(needle) { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }

    /// Sends SIGINT and returns what the process printed on standard output.
    func interruptAndCollect(timeout: TimeInterval = 20) throws -> String {
        process.interrupt()
        return try collect(timeout: timeout)
    }

    func collect(timeout: TimeInterval = 20) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning {
            process.terminate()
            throw NSError(domain: "tokentop", code: 2, userInfo: [NSLocalizedDescriptionKey: "did not exit: \(errorOutput)"])
        }
        let drained = Date().addingTimeInterval(5)
        while Date() < drained {
            lock.lock()
            let closed = stdoutClosed
            lock.unlock()
            if closed { break }
            Thread.sleep(forTimeInterval: 0.01)
        }
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: stdoutData, as: UTF8.self)
    }

    /// Runs the binary to completion (for `report`), with `stdin` as its standard input (else none).
    static func run(_ arguments: [String], configHome: String = TokentopProcess.emptyConfigHome,
                    environment: [String: String] = [:], stdin: String? = nil,
                    stdinHandle: FileHandle? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        let input = Pipe()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let p = try TokentopProcess(arguments, stdin: stdinHandle ?? input.fileHandleForReading, configHome: configHome,
                                    environment: environment)
        let out = try p.collect(timeout: 60)
        return (p.process.terminationStatus, out, p.errorOutput)
    }

    deinit {
        if process.isRunning { process.terminate() }
        if let ownStateHome { try? FileManager.default.removeItem(atPath: ownStateHome) }
    }
}
