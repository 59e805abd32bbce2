import Foundation
import Testing
@testable import ArtFactoryEngine

/// Paths to and readers for the committed reference fixtures (see Scripts/make-reference-fixtures).
enum EngineFixtures {
    static var root: String {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)?.path ?? "Fixtures"
    }

    /// `Fixtures/pipelines/<name>`.
    static func pipeline(_ name: String) -> String { root + "/pipelines/" + name }

    /// The reference tensors diffusers produced for pipeline `name`.
    static func references(_ name: String) throws -> SafeTensorsFile {
        try SafeTensorsFile(path: root + "/models/\(name).safetensors")
    }

    /// Scalars saved next to the references.
    static func scalars(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: root + "/models/\(name).json"))
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }

    /// A fresh temporary directory, removed by the caller via `defer`.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("engine-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Token-id rows stored as floats in the references.
    static func tokenRows(_ t: Tensor) -> [[Int32]] {
        let width = t.shape[1]
        return (0..<t.shape[0]).map { r in (0..<width).map { Int32(t.data[r * width + $0]) } }
    }
}

/// Asserts `max|actual - expected| / max|expected| <= tolerance`.
func expectClose(_ actual: Tensor, _ expected: Tensor, tolerance: Float = 1e-4, _ label: String,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.shape == expected.shape, "\(label): shape \(actual.shape) vs \(expected.shape)", sourceLocation: sourceLocation)
    let error = actual.relativeError(to: expected)
    #expect(error <= tolerance, "\(label): relative error \(error)", sourceLocation: sourceLocation)
}
