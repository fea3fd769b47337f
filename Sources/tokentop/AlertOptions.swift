import ArgumentParser
import Store

/// `--truncation-alert` and `--retry-alert`, in percent.
struct AlertOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Alert when more than this percentage of responses are truncated.",
                                            valueName: "percent"))
    var truncationAlert: Double = 5

    @Option(name: .long, help: ArgumentHelp("Alert when more than this percentage of LLM calls are retried.",
                                            valueName: "percent"))
    var retryAlert: Double = 10

    func validate() throws {
        for (flag, value) in [("--truncation-alert", truncationAlert), ("--retry-alert", retryAlert)]
        where !(0...100).contains(value) {
            throw ValidationError("\(flag) is a percentage between 0 and 100")
        }
    }

    var thresholds: AlertThresholds { AlertThresholds(truncation: truncationAlert / 100, retries: retryAlert / 100) }
}
