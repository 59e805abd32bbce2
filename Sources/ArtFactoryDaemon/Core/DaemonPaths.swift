import ArtFactoryIPC
import Foundation
import Glibc

/// Where the daemon keeps everything, resolved once from the environment (rules: `DefaultLocations`).
public struct DaemonPaths: Sendable, Equatable {
    public var home: String
    public var configDir: String
    public var runtimeDir: String
    public var socket: String
    public var lockFile: String
    public var logsDir: String
    public var logFile: String
    public var catalog: String
    public var galleryDir: String
    public var thumbnailsDir: String
    public var modelsDir: String
    public var configFile: String
    /// Provider API keys (0600).
    public var credentialsFile: String

    /// Resolves paths from `env` (the process environment by default), by the rules in `DefaultLocations`.
    public static func resolve(environment env: [String: String] = ProcessInfo.processInfo.environment) -> DaemonPaths {
        let l = DefaultLocations.resolve(environment: env, cwd: FileManager.default.currentDirectoryPath)
        return DaemonPaths(home: l.home, configDir: l.configDir, runtimeDir: l.runtimeDir)
    }

    public init(home: String, configDir: String, runtimeDir: String) {
        self.home = home
        self.configDir = configDir
        self.runtimeDir = runtimeDir
        socket = runtimeDir + "/artfactoryd.sock"
        lockFile = runtimeDir + "/artfactoryd.lock"
        logsDir = home + "/logs"
        logFile = home + "/logs/artfactoryd.log"
        catalog = home + "/catalog.sqlite"
        galleryDir = home + "/gallery"
        thumbnailsDir = home + "/thumbnails"
        modelsDir = home + "/models"
        configFile = configDir + "/config.json"
        credentialsFile = configDir + "/credentials.json"
    }

    /// Creates every directory the daemon owns, private to the user (0700), and tightens existing ones.
    public func createDirectories() throws {
        for dir in [home, configDir, runtimeDir, logsDir, galleryDir, thumbnailsDir, modelsDir] {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            if chmod(dir, 0o700) != 0 {
                throw DaemonError(.io, "cannot make \(dir) private (chmod 0700): \(String(cString: strerror(errno)))")
            }
        }
    }
}
