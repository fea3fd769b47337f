import Semantics
import Testing

@Suite struct PricingUserFileTests {
    static let sample = """
        # My own prices, USD per million tokens.

        [models."my-finetune"]
        provider = "openai"
        match = "my-finetune*"   # every version
        input = 3.0
        output = 12
        cache_read = 0.3
        cache_write = 3.75

        [models.gpt-4o]
        input = 1_000.5
        output = 2e1

        [ models . 'local-llama' ]
        provider = 'ollama'
        input = 0
        output = 0
        """

    func table() throws -> PriceTable {
        PriceTable.bundled.overlaid(with: try PriceTable.parseUserFile(Self.sample, file: "/home/me/prices.toml"))
    }

    @Test func parsesEntriesWithDefaultsAndPrefixMatch() throws {
        let match = try #require(try table().resolve(provider: "openai", model: "my-finetune-v2",
                                                     atUnixNanos: pricingNow))
        #expect(match.providerID == "openai")
        #expect(match.modelID == "my-finetune")
        #expect(match.rule == "openai/my-finetune ← 'my-finetune-v2' (user prices.toml: prefix my-finetune*)")
        #expect(match.price == ModelPrice(input: 3, output: 12, cacheRead: 0.3, cacheWrite: 3.75))
    }

    @Test func userEntriesWinOverBundledOnes() throws {
        let match = try #require(try table().resolve(provider: "openai", model: "gpt-4o-2024-08-06",
                                                     atUnixNanos: pricingNow))
        #expect(match.providerID == "user")
        #expect(match.modelID == "gpt-4o")
        #expect(match.price == ModelPrice(input: 1000.5, output: 20))
        #expect(match.rule == "user/gpt-4o ← 'gpt-4o-2024-08-06' (user prices.toml: equals gpt-4o; "
                + "date suffix '-2024-08-06' removed)")
        // Untouched models keep their bundled price.
        let mini = try #require(try table().resolve(provider: "openai", model: "gpt-4o-mini", atUnixNanos: pricingNow))
        #expect(mini.price == ModelPrice(input: 0.15, output: 0.6, cacheRead: 0.075))
    }

    @Test func providerScopedEntriesApplyOnlyToThatProvider() throws {
        let table = try table()
        #expect(table.resolve(provider: "anthropic", model: "my-finetune", atUnixNanos: pricingNow) == nil)
        #expect(table.resolve(provider: nil, model: "my-finetune", atUnixNanos: pricingNow)?.modelID == "my-finetune")
        #expect(table.resolve(provider: "ollama", model: "local-llama", atUnixNanos: pricingNow)?.price
                == ModelPrice(input: 0, output: 0))
        #expect(table.resolve(provider: "openai", model: "local-llama", atUnixNanos: pricingNow) == nil)
    }

    @Test func providerNamesCompareAcrossSpellings() throws {
        let user = try PriceTable.parseUserFile("""
            [models.custom]
            provider = "aws"
            input = 1
            output = 2
            """, file: "prices.toml")
        let table = PriceTable.bundled.overlaid(with: user)
        #expect(table.resolve(provider: "aws.bedrock", model: "custom", atUnixNanos: pricingNow)?.providerID == "aws")
        #expect(table.resolve(provider: "openai", model: "custom", atUnixNanos: pricingNow) == nil)
    }

    @Test func laterOverlayWins() throws {
        let first = try PriceTable.parseUserFile("[models.x]\ninput = 1\noutput = 1\n", file: "a.toml")
        let second = try PriceTable.parseUserFile("[models.x]\ninput = 2\noutput = 2\n", file: "b.toml")
        let table = PriceTable.bundled.overlaid(with: first).overlaid(with: second)
        let match = try #require(table.resolve(provider: nil, model: "x", atUnixNanos: pricingNow))
        #expect(match.price == ModelPrice(input: 2, output: 2))
        #expect(match.rule == "user/x ← 'x' (user b.toml: equals x)")
    }

    @Test func emptyFileIsAnEmptyTable() throws {
        #expect(try PriceTable.parseUserFile("", file: "prices.toml").isEmpty)
        #expect(try PriceTable.parseUserFile("# nothing yet\n\n", file: "prices.toml").isEmpty)
    }

    @Test func crlfLineEndingsAreAccepted() throws {
        let table = try PriceTable.parseUserFile("[models.x]\r\ninput = 1\r\noutput = 2\r\n", file: "p.toml")
        #expect(table.resolve(provider: nil, model: "x", atUnixNanos: 0)?.price == ModelPrice(input: 1, output: 2))
        let bom = try PriceTable.parseUserFile("\u{FEFF}[models.x]\ninput = 1\noutput = 2\n", file: "p.toml")
        #expect(bom.resolve(provider: nil, model: "x", atUnixNanos: 0)?.price == ModelPrice(input: 1, output: 2))
    }

    @Test(arguments: [
        ("input = 3\n", 1, "'input' must be inside a [models.\"MODEL NAME\"] table"),
        ("[models.x]\ninput = \"3\"\noutput = 1\n", 2, "'input' must be a number (USD per million tokens), not a string"),
        ("[models.x]\ninput = 3\noutput = 1\ncolor = \"red\"\n", 4,
         "unknown key 'color'; expected provider, match, input, output, cache_read or cache_write"),
        ("[prices.x]\n", 1, "unknown table [prices.x]; expected [models.\"MODEL NAME\"]"),
        ("[models]\n", 1, "unknown table [models]; expected [models.\"MODEL NAME\"]"),
        ("\n[models.\"x\"]\ninput = 3\n\n[models.y]\ninput = 1\noutput = 1\n", 2, "[models.x] has no 'output' price"),
        ("[models.x]\ninput = -1\n", 2, "'input' must not be negative"),
        ("[models.x]\ninput = inf\n", 2, "'input' must be a finite number"),
        ("[models.x]\nmatch = \"a*b\"\n", 2, "'*' may only end a 'match' pattern"),
        ("[models.x]\nprovider = 7\n", 2, "'provider' must be a quoted string, not an integer"),
        ("[models.x]\ninput = 1\noutput = 1\nprovider = \"  \"\n", 4, "'provider' must not be empty"),
        ("[models.x]\ninput.base = 1\n", 2, "'input' must be a number (USD per million tokens), not a table"),
        ("[[models.x]]\ninput = 1\noutput = 1\n", 1, "[models.x] must be a table of prices"),
    ] as [(String, Int, String)])
    func reportsFileLineAndProblem(text: String, line: Int, problem: String) {
        do {
            _ = try PriceTable.parseUserFile(text, file: "prices.toml")
            Issue.record("parsed, expected an error on line \(line)")
        } catch {
            #expect(error == PriceFileError(file: "prices.toml", line: line, problem: problem))
        }
    }

    /// What is not TOML at all is reported with its line: by the grammar check, or by TOMLKit for what
    /// the grammar allows but TOML forbids (a key defined twice).
    @Test(arguments: [
        ("[models.x]\ninput = 3\ninput = 4\n", 3, "cannot redefine existing integer 'input'"),
        ("[models.x]\ninput = 1\noutput = 1\n[models.x]\n", 4, "cannot redefine existing table 'models.x'"),
        ("[models.x]\ninput = 3.0.0\n", 2, "expected the end of the line, found '.'"),
        ("[models.x]\ninput = 1__0\n", 2, "an underscore in an integer must stand between two digits"),
        ("[models.x]\nprovider = \"openai\n", 2, "string"),
        ("[models.x]\ninput = 3 4\n", 2, "found '4'"),
        ("[models.x]\nprovider = openai\n", 2, "expected a value, found 'o'"),
        ("[models.x]\ninput =\n", 2, "expected a value, found a line break"),
        ("[models.x]\ninput 3\n", 2, "expected '='"),
        ("[models.x\n", 1, "expected ']'"),
        // Found by the `prices` fuzz target: TOMLKit's parser asserts on a header without a key.
        (String(decoding: [0x5b, 0x28] as [UInt8], as: UTF8.self), 1, "expected a key in a table header, found '('"),
        ("[models.x]\ninput = 1\n[[ (x)]]\n", 3, "expected a key in an array-of-tables header, found '('"),
    ] as [(String, Int, String)])
    func reportsSyntaxErrorsWithFileAndLine(text: String, line: Int, fragment: String) {
        do {
            _ = try PriceTable.parseUserFile(text, file: "prices.toml")
            Issue.record("parsed, expected an error on line \(line)")
        } catch {
            #expect(error.file == "prices.toml")
            #expect(error.line == line)
            #expect(error.problem.contains(fragment), "\(error.problem)")
        }
    }

    @Test func fullTOMLIsAccepted() throws {
        let table = try PriceTable.parseUserFile("""
            models.inline = { input = 1, output = 2 }
            [models."x"]
            provider = \"\"\"openai\"\"\"
            input = 0x10
            output = 1e1
            """, file: "p.toml")
        #expect(table.resolve(provider: "openai", model: "x", atUnixNanos: 0)?.price == ModelPrice(input: 16, output: 10))
        #expect(table.resolve(provider: nil, model: "inline", atUnixNanos: 0)?.price == ModelPrice(input: 1, output: 2))
    }

    @Test func errorDescriptionNamesFileAndLine() {
        let error = PriceFileError(file: "~/.config/tokentop/prices.toml", line: 7, problem: "'input' must not be negative")
        #expect("\(error)" == "~/.config/tokentop/prices.toml:7: 'input' must not be negative")
    }
}
