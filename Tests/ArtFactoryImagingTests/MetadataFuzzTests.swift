import ArtFactoryPrompts
import Foundation
import Testing
@testable import ArtFactoryImaging

/// Type-confused JSON (links that are strings, inputs that are arrays, numbers that are objects...) must
/// give a record or an error from every JSON-based reader, never a trap.
@Suite struct MetadataFuzzTests {
    static var replacements: [Any] { [[Any](), [String: Any](), "x", 1, -1, 1e300, NSNull(), true, ["9", 0], [["1"]]] }

    /// Replaces one randomly chosen value somewhere in the tree.
    static func mutate(_ value: Any, _ random: inout SplitMix64, depth: Int = 0) -> Any {
        let pickHere = random.next() % 4 == 0 || depth > 6
        if pickHere { return replacements[Int(random.next() % UInt64(replacements.count))] }
        if var object = value as? [String: Any], !object.isEmpty {
            let keys = object.keys.sorted()
            let key = keys[Int(random.next() % UInt64(keys.count))]
            object[key] = mutate(object[key] ?? NSNull(), &random, depth: depth + 1)
            return object
        }
        if var array = value as? [Any], !array.isEmpty {
            let index = Int(random.next() % UInt64(array.count))
            array[index] = mutate(array[index], &random, depth: depth + 1)
            return array
        }
        return replacements[Int(random.next() % UInt64(replacements.count))]
    }

    @Test(arguments: ["comfyui.png", "invokeai.png"])
    func typeConfusedGraphsNeverTrap(fixture: String) throws {
        let chunks = try PNGTextChunk.readAll(from: TestFiles.fixture(fixture))
        var random = SplitMix64(seed: UInt64(fixture.count))
        var parsed = 0
        for _ in 0..<300 {
            var mutated: [PNGTextChunk] = []
            for chunk in chunks {
                let object = try JSONSerialization.jsonObject(with: Data(chunk.text.utf8))
                var tree: Any = object
                for _ in 0..<3 { tree = Self.mutate(tree, &random) }
                guard JSONSerialization.isValidJSONObject(tree) || tree is [Any] || tree is [String: Any] else { continue }
                let data = (try? JSONSerialization.data(withJSONObject: tree, options: [.fragmentsAllowed])) ?? Data("null".utf8)
                mutated.append(PNGTextChunk(kind: chunk.kind, keyword: chunk.keyword, text: String(decoding: data, as: UTF8.self)))
            }
            do {
                if try MetadataReader.read(from: mutated) != nil { parsed += 1 }
            } catch let error as ImagingError {
                #expect(error.code == .invalidMetadata)
            }
        }
        // Most mutations leave a JSON object at the top, which every reader accepts.
        #expect(parsed > 100)
    }
}
