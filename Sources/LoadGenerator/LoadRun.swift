import CompressNIO
import Foundation
import Ingest
import NIOCore
import OTLPWire
import SwiftProtobuf

/// Runs a load plan to its end and reports what happened.
public enum LoadRun {
    public static func run(_ plan: LoadPlan) async throws -> LoadReport {
        let templates = try Templates(plan: plan)
        let counters = LoadCounters()
        let pacer = LoadPacer(plan: plan)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<plan.concurrency {
                group.addTask {
                    switch plan.transport {
                    case .grpc: await GRPCLoadConnection.run(plan: plan, templates: templates, pacer: pacer, counters: counters)
                    case .httpProtobuf, .httpJSON:
                        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                            let thread = Thread {
                                HTTPLoadConnection.run(plan: plan, templates: templates, pacer: pacer, counters: counters)
                                done.resume()
                            }
                            thread.name = "tokentop.load"
                            thread.start()
                        }
                    }
                }
            }
        }
        let seconds = pacer.elapsed
        return LoadReport(
            plan: plan, requests: counters.requests.load(ordering: .relaxed),
            spansSent: counters.spansSent.load(ordering: .relaxed),
            spansAccepted: counters.spansAccepted.load(ordering: .relaxed),
            spansRejected: counters.spansRejected.load(ordering: .relaxed),
            refusedRequests: counters.refusedRequests.load(ordering: .relaxed),
            failedRequests: counters.failedRequests.load(ordering: .relaxed),
            bytesSent: counters.bytesSent.load(ordering: .relaxed),
            bytesPerSpan: Double(templates.full.bytes.count) / Double(templates.full.recordCount),
            seconds: seconds, firstProblem: counters.problem)
    }
}

/// The full-size request and, when `maxSpans` is not a multiple of it, the shorter last one: agent
/// traces, or a coding agent's log records.
struct Templates: Sendable {
    let full: RequestTemplate
    let tail: RequestTemplate?
    /// Added to every request number, so two runs against one receiver never send the same ids.
    let runSalt = UInt64.random(in: 1...UInt64(UInt32.max)) << 32

    init(plan: LoadPlan) throws {
        full = try Self.template(plan.spansPerRequest, plan)
        if let max = plan.maxSpans, max % plan.spansPerRequest != 0 {
            tail = try Self.template(max % plan.spansPerRequest, plan)
        } else {
            tail = nil
        }
    }

    private static func template(_ count: Int, _ plan: LoadPlan) throws -> RequestTemplate {
        switch plan.signal {
        case .logs: try RequestTemplate(logs: AgentLogs.request(recordCount: count), encoding: plan.transport.encoding)
        default: try RequestTemplate(request: AgentTraces.request(spanCount: count), encoding: plan.transport.encoding)
        }
    }

    /// Renders the ticket's request with unique ids and timestamps ending about now.
    func render(_ ticket: LoadPacer.Ticket, into buffer: inout [UInt8]) -> Int {
        let template = ticket.spans == full.recordCount ? full : (tail ?? full)
        let now = UInt64(Date().timeIntervalSince1970 * 1e9)
        // Template traces span a few seconds after the epoch; shifted so they end by now.
        let shift = now &- AgentTraces.templateEpochNanos &- 10_000_000_000
        template.render(sequence: runSalt &+ UInt64(ticket.sequence), shiftNanos: shift, into: &buffer)
        return template.recordCount
    }
}

/// One gRPC connection sending `Export` requests (traces or logs) one after another, through the same
/// exporter `--forward` uses.
enum GRPCLoadConnection {
    static func run(plan: LoadPlan, templates: Templates, pacer: LoadPacer, counters: LoadCounters) async {
        let host = plan.host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        let exporter = GRPCExporter(host: host == "localhost" ? "127.0.0.1" : host, port: plan.port, tls: false, headers: [],
                                    timeout: .seconds(30), gzip: plan.gzip, failFast: true)
        var buffer: [UInt8] = []
        while let ticket = pacer.take() {
            await wait(until: ticket.due, pacer: pacer)
            let spans = templates.render(ticket, into: &buffer)
            let bytes = buffer.count
            switch await exporter.send(OTLPRequest(signal: plan.signal, body: Data(buffer), contentType: .protobuf)) {
            case .delivered(let rejected): counters.answered(spans: spans, bytes: bytes, rejected: rejected)
            case .retry(_, let reason): counters.failed(spans: spans, bytes: bytes, reason: reason)
            case .failed(let reason): counters.refused(spans: spans, bytes: bytes, reason: reason)
            }
        }
        await exporter.close()
    }

    private static func wait(until due: Double, pacer: LoadPacer) async {
        let remaining = due - pacer.elapsed
        if remaining > 0 { try? await Task.sleep(for: .seconds(remaining)) }
    }
}

/// One keep-alive HTTP/1.1 connection posting to `/v1/traces` (or `/v1/logs`), on a thread of its own
/// (blocking socket).
enum HTTPLoadConnection {
    static func run(plan: LoadPlan, templates: Templates, pacer: LoadPacer, counters: LoadCounters) {
        let contentType = plan.transport == .httpJSON ? "application/json" : "application/x-protobuf"
        var socket: BlockingSocket?
        var buffer: [UInt8] = []
        while let ticket = pacer.take() {
            let remaining = ticket.due - pacer.elapsed
            if remaining > 0 { Thread.sleep(forTimeInterval: remaining) }
            let spans = templates.render(ticket, into: &buffer)
            var body = buffer
            if plan.gzip {
                var plain = ByteBuffer(bytes: buffer)
                guard let compressed = try? plain.compress(with: .gzip()) else {
                    counters.failed(spans: spans, bytes: 0, reason: "gzip failed")
                    continue
                }
                body = Array(compressed.readableBytesView)
            }
            let head = "POST /v1/\(plan.signal.rawValue) HTTP/1.1\r\nHost: \(plan.host):\(plan.port)\r\nContent-Type: \(contentType)\r\n"
                + (plan.gzip ? "Content-Encoding: gzip\r\n" : "") + "Content-Length: \(body.count)\r\n\r\n"
            do {
                if socket == nil { socket = try BlockingSocket(host: plan.host, port: plan.port) }
                let reply = try socket!.exchange(head: Array(head.utf8), body: body)
                if reply.closes { socket = nil }
                if reply.status == 200 {
                    counters.answered(spans: spans, bytes: body.count,
                                      rejected: rejected(in: reply.body, signal: plan.signal, json: plan.transport == .httpJSON))
                } else {
                    counters.refused(spans: spans, bytes: body.count,
                                     reason: "HTTP \(reply.status): \(String(decoding: reply.body.prefix(300), as: UTF8.self))")
                }
            } catch {
                socket = nil
                counters.failed(spans: spans, bytes: body.count, reason: "\(error)")
            }
        }
    }

    static func rejected(in body: [UInt8], signal: Signal, json: Bool) -> Int {
        PartialSuccess.rejected(in: Data(body), signal: signal, json: json)
    }
}
