import ArtFactoryImaging
import ArtFactoryProtocol
import Foundation
import Glibc

/// The provider API keys: environment variables first (`FAL_KEY`, `REPLICATE_API_TOKEN`,
/// `CIVITAI_API_TOKEN`, read from the daemon's environment), then `credentials.json` in the
/// config directory, a private file (0600, written atomically).
///
/// A key never leaves this type except to build an `Authorization` header: descriptions show
/// only whether one is set, where from, and its last four characters. Thread-safe.
final class ProviderKeys: @unchecked Sendable {
    /// Where a key came from.
    enum Source: String, Sendable {
        case environment, file
    }

    /// What may be shown about a key.
    struct Summary: Sendable, Equatable {
        var source: Source
        var last4: String
    }

    let file: String
    private let environment: [String: String]
    private let lock = NSLock()
    private var stored: [String: String]

    /// - Parameters:
    ///   - file: `credentials.json` path.
    ///   - environment: the process environment (tests pass their own).
    init(file: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.file = file
        self.environment = environment
        stored = Self.read(file)
        // A file left readable by others (copied in by hand, say) is tightened at once.
        var st = stat()
        if stat(file, &st) == 0, st.st_mode & 0o077 != 0 { chmod(file, 0o600) }
    }

    /// The key to use for `provider`, or nil.
    func key(for provider: String) -> String? {
        if let v = environment[ProviderProfile.environmentKey(of: provider)], !v.isEmpty { return v }
        lock.lock()
        defer { lock.unlock() }
        return stored[provider]
    }

    /// Whether a key is set, its source and last 4 characters.
    func summary(for provider: String) -> Summary? {
        let source: Source
        if let v = environment[ProviderProfile.environmentKey(of: provider)], !v.isEmpty { source = .environment } else { source = .file }
        guard let key = key(for: provider) else { return nil }
        return Summary(source: source, last4: String(key.suffix(4)))
    }

    /// Checks a key's shape without ever echoing it. - Throws: `invalidParams` saying what is wrong.
    static func validate(_ key: String) throws {
        guard !key.isEmpty else { throw RPCError.invalidParams("the key is empty; paste the key from the provider's dashboard", field: "key") }
        guard key.count <= 1024 else { throw RPCError.invalidParams("the key is longer than 1024 characters; check what was pasted", field: "key") }
        guard key.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw RPCError.invalidParams("the key contains spaces, control or non-ASCII characters; paste only the key itself", field: "key")
        }
    }

    /// Stores `key` for `provider` (atomic write, 0600).
    func set(_ key: String, for provider: String) throws {
        try Self.validate(key)
        lock.lock()
        defer { lock.unlock() }
        var next = stored
        next[provider] = key
        try write(next)
        stored = next
    }

    /// Removes the stored key; returns whether there was one.
    @discardableResult
    func clear(_ provider: String) throws -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard stored[provider] != nil else { return false }
        var next = stored
        next[provider] = nil
        try write(next)
        stored = next
        return true
    }

    private func write(_ keys: [String: String]) throws {
        let body = JSONValue.object(JSONObject(keys.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) }))
        do {
            try AtomicFile.write(Data(JSONWriter.string(body).utf8), to: URL(fileURLWithPath: file), mode: 0o600)
        } catch {
            throw RPCError(code: RPCErrorCode.internalError, message: "The key could not be saved to \(file); check that the config folder is writable.",
                           data: ["kind": "io"])
        }
        chmod(file, 0o600)
    }

    private static func read(_ file: String) -> [String: String] {
        guard let data = FileManager.default.contents(atPath: file), let json = try? JSONParser().parse(Array(data)),
              let object = json.objectValue else { return [:] }
        var keys: [String: String] = [:]
        for (name, value) in object { if let s = value.stringValue { keys[name] = s } }
        return keys
    }
}
