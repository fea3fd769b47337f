import Foundation
@testable import Ingest
import PackedSpans
import Synthetic
import Testing
import Telemetry

/// OTLP/JSON read in one pass (`JSONIDRewriter`): the same messages as the tree reference on every
/// fixture and on generated requests, and its own edges (escapes, spellings, nesting, syntax).
@Suite struct OTLPJSONTests {
    /// Every OTLP/JSON fixture, and every protobuf fixture as `--record` writes it.
    private static func jsonBodies() throws -> [(String, Data)] {
        var bodies: [(String, Data)] = []
        for scenario in Fixtures.scenarios {
            for file in Fixtures.otlpFiles(scenario) where file.pathExtension != "jsonl" {
                let name = "\(scenario)/\(file.lastPathComponent)"
                var data = try Data(contentsOf: file)
                if file.pathExtension == "gz" { data = try OTLPDecoder.gunzip(data) }
                if file.lastPathComponent.contains(".json") {
                    bodies.append((name, data))
                    continue
                }
                guard let signal = TelemetryFile.signal(fromFileName: file.lastPathComponent) else { continue }
                let request = OTLPRequest(signal: signal, body: data, contentType: .protobuf)
                bodies.append((name + " as recorded", try Recorder.line(for: request)))
            }
        }
        let lines = try String(contentsOf: Fixtures.file("filefeed", "otlp.jsonl"), encoding: .utf8).split(separator: "\n")
        for (index, line) in lines.enumerated() {
            bodies.append(("filefeed line \(index + 1)", Data(line.utf8)))
        }
        return bodies
    }

    @Test func everyFixtureReadsTheSameAsTheTreeReference() throws {
        let bodies = try Self.jsonBodies()
        #expect(bodies.count >= 60)
        var signals: Set<Signal> = []
        for (name, body) in bodies {
            #expect(JSONDecoderComparison.disagreement(body) == nil, "\(name)")
            let onePass = try OTLPDecoder.decodeJSONRequest(body)
            let tree = try OTLPDecoder.referenceJSONRequest(body)
            #expect(onePass.signal == tree.signal, "\(name)")
            #expect(onePass.batch.spans.count == tree.batch.spans.count && onePass.batch.logs.count == tree.batch.logs.count
                    && onePass.batch.metrics.count == tree.batch.metrics.count, "\(name)")
            signals.insert(onePass.signal)
        }
        #expect(signals == Set(Signal.allCases))
    }

    @Test func generatedRequestsReadTheSame() throws {
        var random = SeededRandom(seed: 17)
        for round in 0..<40 {
            let body = try Build.traceBody(spanCount: 1 + Int(random.next() % 40))
            let line = try Recorder.line(for: OTLPRequest(signal: .traces, body: body, contentType: .protobuf))
            #expect(JSONDecoderComparison.disagreement(line) == nil, "round \(round)")
            #expect(try OTLPDecoder.protobufBody(fromJSON: line, signal: .traces) == body, "round \(round): back to the same protobuf")
        }
    }

    @Test func idsAreFoundUnderEitherSpellingAndThroughEscapes() throws {
        let spellings = [
            #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"1111111111111111","name":"x"}]}]}]}"#,
            #"{"resource_spans":[{"scope_spans":[{"spans":[{"trace_id":"0102030405060708090a0b0c0d0e0f10","span_id":"1111111111111111","name":"x"}]}]}]}"#,
            "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"trace\\u0049d\":\"\\u0030102030405060708090a0b0c0d0e0f10\",\"spanId\":\"1111111111111111\",\"name\":\"x\"}]}]}]}",
            " \n{ \"resourceSpans\" : [ { \"scopeSpans\" :\t[ { \"spans\" : [ { \"traceId\" : \"0102030405060708090A0B0C0D0E0F10\" , \"spanId\":\"1111111111111111\" , \"name\" : \"x\" } ] } ] } ] }\r\n",
        ]
        for text in spellings {
            let (signal, batch) = try OTLPDecoder.decodeJSONRequest(Data(text.utf8))
            #expect(signal == .traces, "\(text)")
            let span = try #require(batch.spans.first, "\(text)")
            #expect(span.traceID == TraceID(bytes: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]), "\(text)")
            #expect(span.spanID == SpanID(bytes: [0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11]), "\(text)")
        }
    }

    @Test func onlyIdsOnTheRequestsPathAreRewritten() throws {
        // An attribute called traceId, and a kvlist key, keep their text; an unknown object holding a
        // "traceId" is not an id either (swift-protobuf ignores unknown fields).
        let text = #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"1111111111111111","name":"x","extension":{"traceId":"not hex"},"attributes":[{"key":"traceId","value":{"stringValue":"abcd"}},{"key":"m","value":{"kvlistValue":{"values":[{"key":"spanId","value":{"stringValue":"zz"}}]}}}]}]}]}]}"#
        let span = try #require(try OTLPDecoder.decodeJSONRequest(Data(text.utf8)).batch.spans.first)
        #expect(span.attributes["traceId"] == .string("abcd"))
        #expect(span.attributes["m"]?["spanId"] == .string("zz"))
        #expect(JSONDecoderComparison.disagreement(Data(text.utf8)) == nil)
    }

    @Test func int64NumbersKeepEveryDigit() throws {
        let text = #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"1111111111111111","name":"x","startTimeUnixNano":1700000000000000001,"endTimeUnixNano":"1700000000000000003","attributes":[{"key":"n","value":{"intValue":9007199254740993}}]}]}]}]}"#
        let span = try #require(try OTLPDecoder.decodeJSONRequest(Data(text.utf8)).batch.spans.first)
        #expect(span.startNanos == 1_700_000_000_000_000_001)
        #expect(span.endNanos == 1_700_000_000_000_000_003)
        #expect(span.attributes["n"] == .int(9_007_199_254_740_993))
    }

    @Test func refusalsSayWhatAndWhere() {
        let cases: [(String, String)] = [
            ("", "invalid JSON: the body is empty"),
            ("[1, 2]", "invalid OTLP/JSON: the top level is not a JSON object"),
            (#"{"resourceSpans": [}"#, "invalid JSON: expected a value at byte 19"),
            (#"{"resourceSpans": []"#, "invalid JSON: the body ends inside an object at byte 20"),
            (#"{"resourceSpans": [] } x"#, "invalid JSON: more after the top-level object at byte 23"),
            (#"{"a": "open"#, "invalid JSON: a string is not closed at byte 6"),
            (#"{"a" 1}"#, "invalid JSON: expected : after a key at byte 5"),
            (#"{"a": 1,}"#, "invalid JSON: expected a key at byte 8"),
            (#"{"resourceSpans": {}}"#, "resourceSpans: expected a list, found an object"),
            (#"{"resourceSpans": [7]}"#, "resourceSpans[0]: expected an object, found a number or boolean"),
            (#"{"resourceSpans": [{}, {"scopeSpans": "x"}]}"#, "resourceSpans[1].scopeSpans: expected a list, found a string"),
            (#"{"resourceSpans": [{"scopeSpans": [{"spans": [{}, {"spanId": 5}]}]}]}"#,
             "resourceSpans[0].scopeSpans[0].spans[1].spanId: expected a hex string, found a number or boolean"),
            (#"{"resourceSpans": [{"scopeSpans": [{"spans": [{"links": [{"traceId": "xyz1"}]}]}]}]}"#,
             #"resourceSpans[0].scopeSpans[0].spans[0].links[0].traceId: "xyz1" is not 32 hex digits"#),
            (#"{"resourceLogs": [{"scopeLogs": [{"logRecords": [null]}]}]}"#,
             "resourceLogs[0].scopeLogs[0].logRecords[0]: expected an object, found null"),
            (#"{"other": 1}"#, "not an OTLP/JSON export request: no resourceSpans, resourceMetrics or resourceLogs"),
        ]
        for (text, message) in cases {
            do {
                _ = try OTLPDecoder.decodeJSONRequest(Data(text.utf8))
                Issue.record("accepted: \(text)")
            } catch {
                #expect(error.description == message, "\(text)")
            }
        }
    }

    @Test func deepNestingIsRefusedWithoutDeepRecursion() {
        // A million nested lists: a recursive reader would overflow the stack; this one refuses it
        // (swift-protobuf's depth limit) and goes on.
        let depth = 1_000_000
        let text = #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"x","attributes":[{"key":"k","value":"#
            + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}]}]}]}]}"
        #expect(throws: DecodeError.self) { try OTLPDecoder.decodeJSONRequest(Data(text.utf8)) }
    }

    @Test func aKeyGivenTwiceIsWhereTheTreeAndTheOnePassMayDiffer() {
        // The tree keeps the last of two values; the one pass hands swift-protobuf both, and a malformed
        // first one refuses the request (found by the otlp-json fuzz target).
        let text = #"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"observedTimeUnixNano":"17x","body":{},"observedTimeUnixNano":"1795605909471846076"}]}]}]}"#
        #expect(JSONDecoderComparison.hasRepeatedKey(Data(text.utf8)))
        #expect(JSONDecoderComparison.disagreement(Data(text.utf8)) == nil)
        // Two "events" lists in one span: the tree keeps the second, swift-protobuf appends both.
        let events = #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"1111111111111111","events":[{"name":"a"}],"events":[{"name":"b"}]}]}]}]}"#
        #expect(JSONDecoderComparison.disagreement(Data(events.utf8)) == nil)
        #expect(!JSONDecoderComparison.hasRepeatedKey(Data(#"{"a":{"a":1},"b":[{"a":1},{"a":2}],"c":"a"}"#.utf8)))
        #expect(JSONDecoderComparison.hasRepeatedKey(Data(#"{"a":[1,{"x":1,"y":{},"x":2}]}"#.utf8)))
        #expect(JSONDecoderComparison.hasRepeatedKey(Data(#"{"k\"":1,"k\"":2}"#.utf8)))
    }

    @Test func aTrailingCommaIsRefusedThoughTheTreeLetItPass() {
        // JSONSerialization takes `[1,]`; JSON does not, nor does the one pass (found by the fuzz target).
        let text = #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"x","attributes":[{"key":"k","value":{"intValue":"1"}},]}]}]}]}"#
        #expect(throws: DecodeError.self) { try OTLPDecoder.decodeJSONRequest(Data(text.utf8)) }
        #expect(JSONDecoderComparison.hasTrailingComma(Data(text.utf8)))
        #expect(JSONDecoderComparison.disagreement(Data(text.utf8)) == nil)
        #expect(!JSONDecoderComparison.hasTrailingComma(Data(#"{"a":[1, 2],"b":",]","c":"\",}"}"#.utf8)))
    }

    @Test func compactDropsOnlyWhitespaceBetweenTokens() throws {
        let text = "{ \"a\" : [ 1 , \"two  words\\\" \\\\\" , { } ] ,\n \"b\":\tnull }\n"
        let compact = try OTLPJSON.compact(Data(text.utf8))
        #expect(String(decoding: compact, as: UTF8.self) == #"{"a":[1,"two  words\" \\",{}],"b":null}"#)
    }

    @Test func nothingToRewriteReturnsTheBodyItself() throws {
        let text = #"{"resourceSpans":[{"scopeSpans":[{"spans":[]}]}]}"#
        #expect(try OTLPJSON.protoJSON(Data(text.utf8), signal: .traces).json == Data(text.utf8))
    }

    @Test func base64MatchesFoundationBothWays() {
        var random = SeededRandom(seed: 3)
        for count in 0..<40 {
            let bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let encoded = Base64.encode(bytes)
            #expect(String(decoding: encoded, as: UTF8.self) == Data(bytes).base64EncodedString())
            #expect(Base64.decode(encoded) == bytes)
            #expect(JSONIDRewriter.hexDigits(bytes) == Array(bytes.map { String(format: "%02x", $0) }.joined().utf8))
        }
        #expect(Base64.decode(Array("a".utf8)) == nil)
        #expect(Base64.decode(Array("ab*d".utf8)) == nil)
        #expect(Base64.decode(Array("AQI".utf8)) == [1, 2], "unpadded")
    }
}
