import ArtFactoryPrompts
import ArtFactoryProtocol
import Foundation

/// prompt.preview.
struct PromptHandlers: HandlerGroup {
    let wildcardsDir: String

    func register(in table: MethodTable) {
        let counter: any TokenCounting = (try? CLIPTokenCounter()) ?? ApproximateTokenCounter()
        table.register(ArtFactoryProtocol.PromptPreview.self, on: .worker) { params, _ in
            guard params.prompt.count <= Generate.maxPromptLength else {
                throw RPCError.invalidParams("the prompt has \(params.prompt.count) characters; shorten it to at most \(Generate.maxPromptLength)", field: "prompt")
            }
            let count = params.count ?? 4
            guard (1...100).contains(count) else { throw RPCError.invalidParams("count must be between 1 and 100 (got \(count))", field: "count") }
            let mode: ExpansionMode
            switch params.mode ?? "random" {
            case "random": mode = .random(seed: UInt64(max(0, params.seed ?? 0)))
            case "combinatorial": mode = .combinatorial
            default: throw RPCError.invalidParams("mode must be random or combinatorial", field: "mode")
            }
            let expander = PromptExpander(wildcards: FolderWildcardSource(root: URL(fileURLWithPath: wildcardsDir)))
            let previewer = PromptPreviewer(expander: expander, tokenCounter: counter)
            do {
                let p = try previewer.preview(PromptRequest(prompt: params.prompt, negativePrompt: params.negativePrompt ?? "",
                                                            mode: mode, count: count))
                return ArtFactoryProtocol.PromptPreview.Result(
                    finals: p.finals.map { .init(prompt: $0.prompt, negativePrompt: $0.negativePrompt, tokenCount: $0.tokenCount,
                                                 negativeTokenCount: $0.negativeTokenCount) },
                    combinationCount: p.combinationCount, tokenWindow: p.tokenWindow,
                    warnings: p.warnings.map { .init(code: $0.code.rawValue, message: $0.message, promptIndex: $0.promptIndex) })
            } catch let e as PromptError {
                throw RPCError.invalidParams("the prompt cannot be expanded: \(e.message)", field: "prompt")
            }
        }
    }
}
