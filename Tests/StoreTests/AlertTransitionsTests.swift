import Semantics
import Store
import Testing

/// What `--on-alert` runs on: alerts firing and clearing, each once, with the time it first fired.
@Suite struct AlertTransitionsTests {
    private func alert(_ name: String, _ value: Double, since: UInt64) -> FiringAlert {
        FiringAlert(name: name, value: value, threshold: 0.05, unit: .ratio, sinceNanos: since)
    }

    @Test func eachAlertFiresOnceAndClearsOnceKeepingWhenItStarted() {
        var transitions = AlertTransitions()
        #expect(transitions.update([]).isEmpty)
        #expect(transitions.update([alert("truncation", 0.07, since: 10)]) == [.fired(alert("truncation", 0.07, since: 10))])
        #expect(transitions.update([alert("truncation", 0.08, since: 20)]).isEmpty, "still firing: no change")
        let changes = transitions.update([alert("retries", 0.2, since: 30)])
        #expect(changes == [.fired(alert("retries", 0.2, since: 30)), .cleared(alert("truncation", 0.08, since: 10))])
        #expect(transitions.update([]) == [.cleared(alert("retries", 0.2, since: 30))])
        #expect(transitions.everFired == ["truncation", "retries"])
    }

    @Test func messagesAndValuesReadAsPeopleAndScriptsWantThem() {
        let truncation = alert("truncation", 0.0725, since: 0)
        #expect(truncation.message == "truncation 7.25% (alert above 5%)")
        #expect(truncation.valueText == "7.25" && truncation.thresholdText == "5")
        let budget = FiringAlert(name: "budget", value: 25.104, threshold: 25, unit: .usd, sinceNanos: 0)
        #expect(budget.message == "budget $25.10 spent today (budget $25.00)")
        #expect(budget.valueText == "25.104" && budget.thresholdText == "25")
    }
}
