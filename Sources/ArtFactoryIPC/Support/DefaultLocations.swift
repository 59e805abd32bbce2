/// The file-system rules shared by the daemon and every client for where things live.
///
/// `ARTFACTORY_HOME` set: everything under it, the socket at `$ARTFACTORY_HOME/artfactoryd.sock`.
/// Otherwise XDG: data in `$XDG_DATA_HOME/artfactory` (default `~/.local/share/artfactory`), config in
/// `$XDG_CONFIG_HOME/artfactory` (default `~/.config/artfactory`), the socket in
/// `$XDG_RUNTIME_DIR/artfactory/` when that is set, else in the data directory.
public struct DefaultLocations: Sendable, Equatable {
    public var home: String
    public var configDir: String
    public var runtimeDir: String

    public var socket: String { runtimeDir + "/artfactoryd.sock" }
    public var lockFile: String { runtimeDir + "/artfactoryd.lock" }
    public var logFile: String { home + "/logs/artfactoryd.log" }

    public init(home: String, configDir: String, runtimeDir: String) {
        self.home = home
        self.configDir = configDir
        self.runtimeDir = runtimeDir
    }

    /// Resolves the locations from an environment. `cwd` makes a relative ARTFACTORY_HOME absolute.
    public static func resolve(environment env: [String: String], cwd: String) -> DefaultLocations {
        if let h = env["ARTFACTORY_HOME"], !h.isEmpty {
            let home = normalize(h.hasPrefix("/") ? h : cwd + "/" + h)
            return DefaultLocations(home: home, configDir: home, runtimeDir: home)
        }
        let userHome = env["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        let dataBase = env["XDG_DATA_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? userHome + "/.local/share"
        let configBase = env["XDG_CONFIG_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? userHome + "/.config"
        let home = normalize(dataBase + "/artfactory")
        let runtime = env["XDG_RUNTIME_DIR"].flatMap { $0.hasPrefix("/") ? normalize($0 + "/artfactory") : nil } ?? home
        return DefaultLocations(home: home, configDir: normalize(configBase + "/artfactory"), runtimeDir: runtime)
    }

    /// Removes `.`, empty and `..` components.
    static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for c in path.split(separator: "/") {
            if c == "." || c.isEmpty { continue }
            if c == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(c)
        }
        return "/" + parts.joined(separator: "/")
    }
}
