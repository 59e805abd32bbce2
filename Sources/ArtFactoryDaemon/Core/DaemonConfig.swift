import ArtFactoryProtocol
import Foundation

/// Settings read from `config.json` in the config directory; every field is optional there.
/// Re-read on SIGHUP. Unknown keys are an error, so a typo is reported instead of ignored.
public struct DaemonConfig: Codable, Sendable, Equatable {
    /// Longest accepted request line in bytes (default 16 MiB). Applies to new connections.
    public var maxMessageBytes: Int = 16 << 20
    /// Deepest JSON nesting accepted in a request (default 64).
    public var maxJSONDepth: Int = 64
    /// trace, debug, info, notice, warning, error, critical (default info).
    public var logLevel: String = "info"
    /// Seconds to let running work finish on SIGTERM before it is persisted and the daemon exits.
    public var shutdownGraceSeconds: Double = 10
    /// Milliseconds a file in a watched folder must keep its size and modification time before it is
    /// read (default 500; 20-60000). Read when a watch starts.
    public var watchSettleMs: Int = 500
    /// The model `generate` uses when none is named (also read by the model registry).
    public var defaultModel: String?
    /// Remote providers (`fal`, `replicate`, `civitai`): base URLs, extra models, rate limits,
    /// retries, daily quotas. See docs/providers.md.
    public var providers: [String: ProviderSettings] = [:]

    public init() {}

    enum CodingKeys: String, CodingKey { case maxMessageBytes, maxJSONDepth, logLevel, shutdownGraceSeconds, watchSettleMs, defaultModel, providers }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = DaemonConfig.defaults
        maxMessageBytes = try c.decodeIfPresent(Int.self, forKey: .maxMessageBytes) ?? d.maxMessageBytes
        maxJSONDepth = try c.decodeIfPresent(Int.self, forKey: .maxJSONDepth) ?? d.maxJSONDepth
        logLevel = try c.decodeIfPresent(String.self, forKey: .logLevel) ?? d.logLevel
        shutdownGraceSeconds = try c.decodeIfPresent(Double.self, forKey: .shutdownGraceSeconds) ?? d.shutdownGraceSeconds
        watchSettleMs = try c.decodeIfPresent(Int.self, forKey: .watchSettleMs) ?? d.watchSettleMs
        defaultModel = try c.decodeIfPresent(String.self, forKey: .defaultModel)
        providers = try c.decodeIfPresent([String: ProviderSettings].self, forKey: .providers) ?? [:]
    }

    static let defaults = DaemonConfig()
    static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    /// Loads `path`; a missing file means defaults. - Throws: `DaemonError(.config)` naming the file and the problem.
    public static func load(path: String) throws -> DaemonConfig {
        guard let data = FileManager.default.contents(atPath: path) else { return DaemonConfig() }
        let config: DaemonConfig
        do {
            let json = try JSONParser().parse(Array(data))
            config = try JSONValueDecoder().decode(DaemonConfig.self, from: json)
        } catch {
            throw DaemonError(.config, "\(path) is not valid: \(error). Fix or delete it; defaults apply without it.", cause: error)
        }
        try config.validate(path: path)
        return config
    }

    func validate(path: String) throws {
        guard (1024...(1 << 30)).contains(maxMessageBytes) else {
            throw DaemonError(.config, "\(path): maxMessageBytes must be between 1024 and 1073741824, got \(maxMessageBytes)")
        }
        guard (2...512).contains(maxJSONDepth) else {
            throw DaemonError(.config, "\(path): maxJSONDepth must be between 2 and 512, got \(maxJSONDepth)")
        }
        guard DaemonConfig.logLevels.contains(logLevel) else {
            throw DaemonError(.config, "\(path): logLevel must be one of \(DaemonConfig.logLevels.joined(separator: ", ")), got '\(logLevel)'")
        }
        guard shutdownGraceSeconds >= 0 && shutdownGraceSeconds <= 600 else {
            throw DaemonError(.config, "\(path): shutdownGraceSeconds must be between 0 and 600")
        }
        guard (20...60_000).contains(watchSettleMs) else {
            throw DaemonError(.config, "\(path): watchSettleMs must be between 20 and 60000, got \(watchSettleMs)")
        }
        for (name, settings) in providers {
            if let problem = ProviderProfile.problem(name: name, settings: settings) { throw DaemonError(.config, "\(path): \(problem)") }
        }
    }
}
