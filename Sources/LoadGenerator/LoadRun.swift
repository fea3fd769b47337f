import CompressNIO
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import GRPCProtobuf
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
            bytesPerSpan: Double(templates.full.bytes.count) / Double(templates.full.spanCount),
            seconds: seconds, firstProblem: counters.problem)
    }
}

/// The full-size request and, when `maxSpans` is not a multiple of it, the shorter last one.
struct Templates: Sendable {
    let full: RequestTemplate
    let tail: RequestTemplate?
    /// Added to every request number, so two runs against one receiver never send the same ids.
    let runSalt = UInt64.random(in: 1...UInt64(UInt32.max)) << 32

    init(plan: LoadPlan) throws {
        full = try RequestTemplate(request: AgentTraces.request(spanCount: plan.spansPerRequest), encoding: plan.transport.encoding)
        if let max = plan.maxSpans, max % plan.spansPerRequest != 0 {
            tail = try RequestTemplate(request: AgentTraces.request(spanCount: max % plan.spansPerRequest),
                                       encoding: plan.transport.encoding)
        } else {
            tail = nil
        }
    }

    /// Renders the ticket's request with unique ids and timestamps ending about now.
    func render(_ ticket: LoadPacer.Ticket, into buffer: inout [UInt8]) -> Int {
        let template = ticket.spans == full.spanCount ? full : (tail ?? full)
        let now = UInt64(Date().timeIntervalSince1970 * 1e9)
        // Template traces span a few seconds after the epoch; shifted so they end by now.
        let shift = now &- AgentTraces.templateEpochNanos &- 10_000_000_000
        template.render(sequence: runSalt &+ UInt64(ticket.sequence), shiftNanos: shift, into: &buffer)
        return template.spanCount
    }
}

/// One gRPC connection sending `TraceService/Export` requests one after another.
enum GRPCLoadConnection {
    static func run(plan: LoadPlan, templates: Templates, pacer: LoadPacer, counters: LoadCounters) async {
        let target: any ResolvableTarget = plan.host.contains(":")
            ? ResolvableTargets.IPv6.ipv6(address: plan.host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port: plan.port)
            : ResolvableTargets.IPv4.ipv4(address: plan.host == "localhost" ? "127.0.0.1" : plan.host, port: plan.port)
        let transport: HTTP2ClientTransport.Posix
        do {
            transport = try HTTP2ClientTransport.Posix(target: target, transportSecurity: .plaintext, config: .defaults {
                $0.compression.enabledAlgorithms = .all
                $0.compression.algorithm = plan.gzip ? .gzip : .none
            })
        } catch {
            counters.failed(spans: 0, bytes: 0, reason: "cannot create gRPC client: \(error)")
            return
        }
        var options = CallOptions.defaults
        options.timeout = .seconds(30)
        options.waitForReady = false
        let method = Opentelemetry_Proto_Collector_Trace_V1_TraceService.Method.Export.descriptor
        do {
            try await withGRPCClient(transport: transport) { client in
                var buffer: [UInt8] = []
                while let ticket = pacer.take() {
                    await wait(until: ticket.due, pacer: pacer)
                    let spans = templates.render(ticket, into: &buffer)
                    let bytes = buffer.count
                    do {
                        let reply = try await client.unary(
                            request: ClientRequest(message: buffer), descriptor: method, serializer: BytesSerializer(),
                            deserializer: ProtobufDeserializer<Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse>(),
                            options: options) { try $0.message }
                        counters.answered(spans: spans, bytes: bytes, rejected: Int(reply.partialSuccess.rejectedSpans))
                    } catch let error as RPCError {
                        switch error.code {
                        case .unavailable, .deadlineExceeded, .cancelled, .unknown, .internalError:
                            counters.failed(spans: spans, bytes: bytes, reason: "gRPC \(error.code): \(error.message)")
                        default:
                            counters.refused(spans: spans, bytes: bytes, reason: "gRPC \(error.code): \(error.message)")
                        }
                    } catch {
                        counters.failed(spans: spans, bytes: bytes, reason: "\(error)")
                    }
                }
            }
        } catch {
            counters.failed(spans: 0, bytes: 0, reason: "gRPC client: \(error)")
        }
    }

    private static func wait(until due: Double, pacer: LoadPacer) async {
        let remaining = due - pacer.elapsed
        if remaining > 0 { try? await Task.sleep(for: .seconds(remaining)) }
    }
}

/// Sends already encoded bytes as the request message.
struct BytesSerializer: MessageSerializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes { Bytes(message) }
}

/// One keep-alive HTTP/1.1 connection posting to `/v1/traces`, on a thread of its own (blocking socket).
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
            let head = "POST /v1/traces HTTP/1.1\r\nHost: \(plan.host):\(plan.port)\r\nContent-Type: \(contentType)\r\n"
                + (plan.gzip ? "Content-Encoding: gzip\r\n" : "") + "Content-Length: \(body.count)\r\n\r\n"
            do {
                if socket == nil { socket = try BlockingSocket(host: plan.host, port: plan.port) }
                let reply = try socket!.exchange(head: Array(head.utf8), body: body)
                if reply.closes { socket = nil }
                if reply.status == 200 {
                    counters.answered(spans: spans, bytes: body.count,
                                      rejected: rejectedSpans(in: reply.body, json: plan.transport == .httpJSON))
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

    static func rejectedSpans(in body: [UInt8], json: Bool) -> Int {
        if json {
            guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
                  let partial = object["partialSuccess"] as? [String: Any] else { return 0 }
            if let number = partial["rejectedSpans"] as? Int { return number }
            return Int(partial["rejectedSpans"] as? String ?? "") ?? 0
        }
        let reply = try? Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse(serializedBytes: body)
        return Int(reply?.partialSuccess.rejectedSpans ?? 0)
    }
}
