import Foundation

/// Reading helpers shared by the configuration types: diffusers writes some keys either as one
/// number or as one per block, and omits keys that take their default.
struct IntOrList: Decodable, Sendable, Equatable {
    let values: [Int]

    init(_ values: [Int]) { self.values = values }

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let one = try? container.decode(Int.self) {
            values = [one]
        } else {
            values = try container.decode([Int].self)
        }
    }

    /// The value for block `index` when there are `count` blocks (a single value applies to all).
    func value(at index: Int) -> Int { values.count == 1 ? values[0] : values[min(index, values.count - 1)] }
}

enum ConfigFile {
    /// Decodes a JSON configuration file, mapping every failure to `EngineError`.
    static func load<T: Decodable>(_ type: T.Type, path: String, what: String) throws -> T {
        guard FileManager.default.fileExists(atPath: path) else {
            throw EngineError.missingFile(path, what: what)
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw EngineError.badConfig(path, "\(what) could not be read", cause: error)
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw EngineError.badConfig(path, "\(what) is not valid", cause: error)
        }
    }
}
