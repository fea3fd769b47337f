import Foundation
import Semantics
import Synthetic

/// The made-up apps the demo runs; each is its own OTLP resource.
enum DemoService: String, Sendable {
    case researchAssistant = "research-assistant"
    case supportBot = "support-bot"
    case batchSummarizer = "batch-summarizer"

    var version: String {
        switch self {
        case .researchAssistant: "2.3.1"
        case .supportBot: "1.14.0"
        case .batchSummarizer: "0.9.4"
        }
    }
}

/// One trace of one app, planned in full before any of it is sent.
struct DemoRun: Sendable {
    var service: DemoService
    var spans: [DemoSpan]
}

/// Plans runs: an orchestrator delegating to research and writer agents, support chats with an
/// occasional reasoning-model triage, and batch summaries on a self-hosted fine-tune.
enum DemoScenarios {
    /// A fixed rotation, so every app shows up within the first few seconds.
    static let rotation: [DemoService] = [.researchAssistant, .supportBot, .batchSummarizer, .researchAssistant,
                                          .supportBot, .supportBot, .batchSummarizer, .researchAssistant]

    static func plan(run index: Int, start: UInt64, random: SeededRandom) -> DemoRun {
        var recorder = TraceRecorder(random: random)
        let service = rotation[index % rotation.count]
        switch service {
        case .researchAssistant: research(&recorder, start: start)
        case .supportBot: support(&recorder, start: start)
        case .batchSummarizer: summarize(&recorder, start: start)
        }
        return DemoRun(service: service, spans: recorder.spans)
    }

    // MARK: research-assistant

    static let topics = [
        "vector databases for a 10M-document corpus", "the EU AI Act obligations for general-purpose models",
        "prompt caching across LLM providers", "serverless GPU pricing in 2025", "OpenTelemetry GenAI conventions",
        "evaluating RAG answer faithfulness", "small models for on-device summarization",
    ]

    /// orchestrator-agent plans, fans out to research-agents in parallel, then hands their notes
    /// to writer-agent; the root ends last, so the trace shows as running until then.
    static func research(_ r: inout TraceRecorder, start: UInt64) {
        let topic = topics.randomElement(using: &r.random)!
        let root = r.newSpanID()
        let conversation = "conv_" + r.random.token(16)
        var t = start + ms(15)
        let plan = r.chatRetryingOnce(.gpt4o, DemoPrompt(
            system: "You are the orchestrator. Split the user's request into independent research questions.",
            user: "Write a short briefing on \(topic).",
            answer: "1. What are the options?\n2. What does each cost?\n3. What do practitioners recommend?",
            inputTokens: 380...620, outputTokens: 60...140, cacheableShare: 0.5), parent: root, start: t,
            conversationID: conversation)
        t = plan.end + ms(10)

        var notesReady = t
        let aspects = ["options", "costs", "recommendations"].prefix(Int.random(in: 1...3, using: &r.random))
        for (i, question) in aspects.enumerated() {
            let agentStart = t + ms(5 * i)
            let agent = r.newSpanID()
            var a = agentStart + ms(5)
            a = r.chatRetryingOnce(.gpt4oMini, DemoPrompt(
                system: "You are a research agent. Use web_search, then web_fetch the best source.",
                user: "Find \(question) for \(topic).", answer: "",
                inputTokens: 220...420, outputTokens: 18...40, maxTokens: 512,
                toolCall: (name: "web_search", arguments: "{\"query\": \"\(topic) \(question)\"}")),
                parent: agent, start: a).end + ms(5)
            a = r.tool("web_search", arguments: "{\"query\": \"\(topic) \(question)\"}",
                       result: "[{\"title\": \"A practitioner's guide to \(topic)\", \"url\": \"https://example.com/\(question)\"}]",
                       parent: agent, start: a, seconds: 0.2...0.6).end + ms(5)
            a = r.tool("web_fetch", arguments: "{\"url\": \"https://example.com/\(question)\"}",
                       result: "(4.2 kB of article text)", parent: agent, start: a, seconds: 0.2...0.6,
                       canTimeOut: true).end + ms(5)
            a = r.chat(.gpt4oMini, DemoPrompt(
                system: "You are a research agent. Summarize what you found, citing the source.",
                user: "Notes on \(question) for \(topic), from the fetched page.",
                answer: "Key points on \(question): the leading choices differ mostly in operating cost and latency; see example.com/\(question).",
                inputTokens: 1_400...2_600, outputTokens: 80...220, maxTokens: 300), parent: agent, start: a).end
            r.record("invoke_agent research-agent", id: agent, parent: root, kind: .internal, start: agentStart,
                     end: a + ms(3), attributes: [
                        ("gen_ai.operation.name", .string("invoke_agent")),
                        ("gen_ai.agent.name", .string("research-agent")),
                        ("gen_ai.agent.description", .string("Researches \(question) for \(topic)")),
                        ("gen_ai.provider.name", .string("openai")),
                        ("gen_ai.request.model", .string("gpt-4o-mini")),
                     ])
            notesReady = max(notesReady, a + ms(3))
        }

        let writerStart = notesReady + ms(10)
        let writer = r.newSpanID()
        let draft = r.chat(.claudeSonnet, DemoPrompt(
            system: "You are a technical writer. Turn research notes into a one-page briefing with sources.",
            user: "Notes:\n- options …\n- costs …\n- recommendations …\nWrite the briefing on \(topic).",
            answer: "## Briefing: \(topic)\n\nThree approaches dominate. The managed options are quickest to adopt; self-hosting pays off past a steady load. Recommendation: start managed, measure, revisit at scale.",
            inputTokens: 2_400...4_200, outputTokens: 350...700, maxTokens: 1_200, stream: true, cacheableShare: 0.6),
            parent: writer, start: writerStart + ms(5), conversationID: conversation)
        r.record("invoke_agent writer-agent", id: writer, parent: root, kind: .internal, start: writerStart,
                 end: draft.end + ms(4), attributes: [
                    ("gen_ai.operation.name", .string("invoke_agent")),
                    ("gen_ai.agent.name", .string("writer-agent")),
                    ("gen_ai.agent.description", .string("Writes the briefing")),
                    ("gen_ai.provider.name", .string("anthropic")),
                    ("gen_ai.request.model", .string("claude-sonnet-4-20250514")),
                 ])
        r.record("invoke_agent orchestrator-agent", id: root, parent: nil, kind: .internal, start: start,
                 end: draft.end + ms(12), attributes: [
                    ("gen_ai.operation.name", .string("invoke_agent")),
                    ("gen_ai.agent.name", .string("orchestrator-agent")),
                    ("gen_ai.agent.description", .string("Briefing on \(topic)")),
                    ("gen_ai.conversation.id", .string(conversation)),
                 ])
    }

    // MARK: support-bot

    static let questions: [(template: String, lookup: String?)] = [
        ("Where is my order #%d?", "lookup_order"), ("Can I change the delivery address for order #%d?", "lookup_order"),
        ("I was charged twice for order #%d.", "lookup_payment"), ("How do I reset my password?", nil),
        ("Do you ship to Norway?", nil), ("Cancel my subscription, please.", "lookup_account"),
    ]

    /// An HTTP request handled with an optional o4-mini triage, a lookup, and a streamed answer.
    static func support(_ r: inout TraceRecorder, start: UInt64) {
        let (template, lookup) = questions.randomElement(using: &r.random)!
        let question = template.replacingOccurrences(of: "%d", with: String(Int.random(in: 10_000...99_999, using: &r.random)))
        let root = r.newSpanID()
        let session = "sess_" + r.random.token(12)
        var t = start + ms(8)
        var failed = false
        if r.random.chance(0.35) {
            let triage = r.chat(.o4Mini, DemoPrompt(
                system: "Classify the customer's message: billing, shipping, account or other. Decide if a human is needed.",
                user: question, answer: "{\"category\": \"billing\", \"escalate\": false}",
                inputTokens: 160...320, outputTokens: 12...30, maxTokens: 2_000), parent: root, start: t,
                conversationID: session)
            failed = triage.failed
            t = triage.end + ms(4)
        }
        if !failed, let lookup {
            let asked = r.chat(.gpt4oMini, DemoPrompt(
                system: "You are Acme's support assistant. Use tools to look up facts; never guess.",
                user: question, answer: "", inputTokens: 1_300...1_700, outputTokens: 15...30, maxTokens: 600,
                cacheableShare: 0.75, toolCall: (name: lookup, arguments: "{\"customer\": \"cus_\(r.random.token(8))\"}")),
                parent: root, start: t, conversationID: session)
            failed = asked.failed
            t = asked.end + ms(3)
            if !failed {
                t = r.tool(lookup, arguments: "{\"customer\": \"cus_\(r.random.token(8))\"}",
                           result: "{\"status\": \"in_transit\", \"eta\": \"2 days\"}", parent: root, start: t,
                           seconds: 0.03...0.15).end + ms(3)
            }
        }
        if !failed {
            let answer = r.chat(.gpt4oMini, DemoPrompt(
                system: "You are Acme's support assistant. Be brief and friendly.",
                user: question,
                answer: "Thanks for reaching out! I've checked that for you: everything is on track, and you'll get an email as soon as anything changes.",
                inputTokens: 1_400...1_900, outputTokens: 40...160, maxTokens: 300, stream: true, cacheableShare: 0.75),
                parent: root, start: t, conversationID: session)
            failed = answer.failed
            t = answer.end
        }
        let status = failed ? 502 : 200
        // An online evaluator grades most answers, as GenAI evaluation events on the request span.
        var events: [WireSpan.Event] = []
        if !failed, r.random.chance(0.8) {
            let score = (Double.random(in: 0.45...1.0, using: &r.random) * 100).rounded() / 100
            events.append(TraceRecorder.event("gen_ai.evaluation.result", at: t + ms(5), [
                ("gen_ai.evaluation.name", .string("answer_relevance")),
                ("gen_ai.evaluation.score.value", .double(score)),
                ("gen_ai.evaluation.score.label", .string(score >= 0.7 ? "relevant" : "partially_relevant")),
                ("gen_ai.evaluation.explanation", .string(score >= 0.7 ? "Answers the question asked."
                                                                      : "Generic reply; misses the order details.")),
            ]))
        }
        r.record("POST /v1/chat", id: root, parent: nil, kind: .server, start: start, end: t + ms(6), attributes: [
            ("http.request.method", .string("POST")), ("http.route", .string("/v1/chat")),
            ("url.path", .string("/v1/chat")), ("http.response.status_code", .int(status)),
            ("session.id", .string(session)),
        ], events: events, failure: failed ? "upstream model call failed" : nil)
    }

    // MARK: batch-summarizer

    static let documents = ["call transcript", "incident report", "support ticket thread", "sales email", "meeting notes"]

    /// A queue job: each document summarized by the self-hosted fine-tune, then a cheap digest.
    static func summarize(_ r: inout TraceRecorder, start: UInt64) {
        let root = r.newSpanID()
        var t = start + ms(5)
        let count = Int.random(in: 2...4, using: &r.random)
        for _ in 0..<count {
            let kind = documents.randomElement(using: &r.random)!
            t = r.chat(.finetune, DemoPrompt(
                system: "Summarize the document in three bullet points.",
                user: "(\(kind), \(Int.random(in: 2...9, using: &r.random)) kB)",
                answer: "- Customer reported the issue\n- Agent proposed a fix\n- Follow-up scheduled",
                inputTokens: 600...2_400, outputTokens: 60...180, maxTokens: 256), parent: root, start: t).end + ms(4)
        }
        t = r.chat(.gpt4oMini, DemoPrompt(
            system: "Merge the summaries into one digest for the team channel.",
            user: "\(count) summaries attached.", answer: "Today's digest: \(count) items, none urgent.",
            inputTokens: 300...700, outputTokens: 50...120, maxTokens: 200), parent: root, start: t).end
        r.record("summarize_batch", id: root, parent: nil, kind: .consumer, start: start, end: t + ms(5), attributes: [
            ("messaging.system", .string("rabbitmq")), ("messaging.destination.name", .string("summaries")),
            ("messaging.batch.message_count", .int(count)),
        ])
    }

    static func ms(_ milliseconds: Int) -> UInt64 { UInt64(milliseconds) * 1_000_000 }
}
