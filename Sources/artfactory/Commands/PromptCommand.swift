import ArgumentParser
import ArtFactoryProtocol

/// `artfactory prompt preview "prompt"`.
struct PromptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prompt",
        abstract: "Work with prompts without generating.",
        subcommands: [Preview.self])

    struct Preview: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a prompt's expansions, CLIP token counts and warnings.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The prompt.") var prompt: String
        @Option(help: "Negative prompt.") var negative: String?
        @Option(help: "Prompts to show (1-100).") var count: Int?
        @Flag(help: "List combinations in order instead of random picks.") var combinatorial = false
        @Option(help: "Seed for random picks.") var seed: Int64?

        func run() throws {
            let r = try global.connect().call(PromptPreview.self, .init(prompt: prompt, negativePrompt: negative, count: count,
                                                                        mode: combinatorial ? "combinatorial" : "random", seed: seed))
            if global.json { return Console.json(try JSONValueEncoder().encode(r)) }
            for (i, f) in r.finals.enumerated() { Console.out("\(i + 1). \(f.prompt)  [\(f.tokenCount)/\(r.tokenWindow) tokens]") }
            if let n = r.combinationCount { Console.out("\(n) combination(s)") }
            for w in r.warnings { Console.out("warning: \(w.message)") }
        }
    }
}
