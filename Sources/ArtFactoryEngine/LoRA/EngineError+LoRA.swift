import Foundation

extension EngineError {
    /// A LoRA file that cannot be applied: `lora.<code>` naming the file and the first offending key.
    static func lora(_ path: String, _ code: String, _ problem: String, key: String?) -> EngineError {
        let file = (path as NSString).lastPathComponent
        return EngineError(code: "lora.\(code)", message: "\(problem) (LoRA \(file)).", path: path,
                           cause: key.map { "first offending key: \($0)" })
    }
}
