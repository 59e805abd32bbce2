import Foundation

/// Finds generation metadata among a PNG's text chunks, trying the richest source first:
/// our `artfactory` record, then A1111 `parameters`, InvokeAI `invokeai_metadata`, ComfyUI `prompt`/`workflow`.
public enum MetadataReader {
    /// Reads metadata from text chunks.
    /// - Returns: nil when no known chunk is present.
    /// - Throws: ``ImagingError`` `invalid_metadata` when known chunks exist but none can be parsed.
    public static func read(from chunks: [PNGTextChunk]) throws -> GenerationMetadata? {
        func text(_ keyword: String) -> String? { chunks.first { $0.keyword == keyword }?.text }
        var firstError: ImagingError?
        func attempt(_ body: () throws -> GenerationMetadata) -> GenerationMetadata? {
            do { return try body() } catch let error as ImagingError {
                if firstError == nil { firstError = error }
                return nil
            } catch { return nil }
        }
        if let json = text(ArtFactoryRecordMetadata.keyword), let found = attempt({ try ArtFactoryRecordMetadata.parse(json) }) {
            return found
        }
        if let parameters = text("parameters"), let found = attempt({ try A1111Parameters.parse(parameters) }) {
            return found
        }
        if let json = text("invokeai_metadata"), let found = attempt({ try InvokeAIMetadata.parse(json) }) {
            return found
        }
        let prompt = text("prompt"), workflow = text("workflow")
        if prompt != nil || workflow != nil,
           let found = attempt({ try ComfyUIMetadata.parse(prompt: prompt, workflow: workflow) }) {
            return found
        }
        if let firstError { throw firstError }
        return nil
    }

    /// Reads metadata from a PNG file's bytes.
    /// - Throws: ``ImagingError`` from the chunk walk, or `invalid_metadata`.
    public static func read(fromPNG data: Data) throws -> GenerationMetadata? {
        try read(from: PNGTextChunk.readAll(from: data))
    }
}
