import ArgumentParser
import ArtFactoryProtocol
import Foundation
import Glibc

/// `artfactory provider list|set-key|clear-key|test`: remote providers and their keys.
struct ProviderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provider",
        abstract: "Remote providers (fal, replicate, civitai) and own server pools (comfyui, a1111, sdcpp): keys, reachability, usage.",
        discussion: """
        Keys are stored by the daemon in credentials.json (mode 0600) in the config folder; the environment variables \
        FAL_KEY, REPLICATE_API_TOKEN and CIVITAI_API_TOKEN (in the daemon's environment) take precedence. \
        No command ever prints a key: only whether one is set, where from, and its last 4 characters.
        """,
        subcommands: [List.self, SetKey.self, ClearKey.self, Test.self],
        defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List providers: key, reachability, today's usage and limits.")
        @OptionGroup var global: GlobalOptions
        func run() throws {
            let r = try global.connect().call(ProviderList.self, NoParams())
            if global.json { return Console.json(try JSONValueEncoder().encode(r)) }
            Console.table(["PROVIDER", "KEY", "REACHABILITY", "TODAY", "LIMITS", "BASE URL"], r.providers.map { p in
                [p.name, ProviderCommand.keyText(p), ProviderCommand.reachText(p.reachability),
                 String(format: "%d img, $%.3f", p.imagesToday, p.costToday), ProviderCommand.limitsText(p), p.baseURL]
            })
            ProviderCommand.printServers(r.providers)
        }
    }

    struct SetKey: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-key",
            abstract: "Store a provider's API key (read without echo on a terminal, else one line from stdin).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Provider: fal, replicate or civitai.") var name: String
        func run() throws {
            let key = try ProviderCommand.readKey(prompt: "API key for \(name): ")
            guard !key.isEmpty else { throw CLIFailure.usage("No key was given; paste the key (or pipe it on stdin) and try again.") }
            let info = try global.connect().call(ProviderSetKey.self, .init(name: name, key: key))
            if global.json { return Console.json(try JSONValueEncoder().encode(info)) }
            if !global.quiet {
                Console.out("Stored the \(name) key (…\(info.keyLast4 ?? "")). Check it with `artfactory provider test \(name)`.")
                if info.keySource == "environment" {
                    Console.out("Note: \(ProviderCommand.envName(name)) is set in the daemon's environment and takes precedence.")
                }
            }
        }
    }

    struct ClearKey: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "clear-key", abstract: "Delete a provider's stored key.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Provider: fal, replicate or civitai.") var name: String
        func run() throws {
            let info = try global.connect().call(ProviderClearKey.self, .init(name: name))
            if global.json { return Console.json(try JSONValueEncoder().encode(info)) }
            if !global.quiet { Console.out("Removed the stored \(name) key." + (info.keySet ? " \(ProviderCommand.envName(name)) still applies." : "")) }
        }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check a provider's key with one cheap authenticated request.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Provider: fal, replicate or civitai.") var name: String
        func run() throws {
            let r = try global.connect().call(ProviderTest.self, .init(name: name))
            if global.json { return Console.json(try JSONValueEncoder().encode(r)) }
            if let servers = r.provider.servers {
                Console.out("\(name): \(servers.count) server\(servers.count == 1 ? "" : "s") answered, \(Int(r.millis.rounded())) ms.")
                return ProviderCommand.printServers([r.provider])
            }
            Console.out("\(name): key accepted (…\(r.provider.keyLast4 ?? "")), \(Int(r.millis.rounded())) ms round trip.")
        }
    }

    static func envName(_ provider: String) -> String {
        ["fal": "FAL_KEY", "replicate": "REPLICATE_API_TOKEN", "civitai": "CIVITAI_API_TOKEN"][provider] ?? "the environment variable"
    }

    /// The servers of self-hosted pools (comfyui, a1111, sdcpp), one row each; credentials never shown.
    static func printServers(_ providers: [ProviderInfo]) {
        let rows = providers.flatMap { p in
            (p.servers ?? []).map { s in
                [p.name, s.name, reachText(s.reachability), "\(s.inFlight)/\(s.maxConcurrent)", s.models.map(String.init) ?? "?",
                 s.auth ?? "none", s.url]
            }
        }
        guard !rows.isEmpty else { return }
        Console.out("")
        Console.table(["POOL", "SERVER", "REACHABILITY", "BUSY", "MODELS", "AUTH", "URL"], rows)
    }

    static func keyText(_ p: ProviderInfo) -> String {
        if p.servers != nil { return "in config.json" }
        guard p.keySet else { return "not set" }
        return "…\(p.keyLast4 ?? "") (\(p.keySource == "environment" ? envName(p.name) : "file"))"
    }

    static func reachText(_ r: ProviderReachabilityInfo) -> String {
        switch r.state {
        case "unknown": return "not contacted yet"
        case "ok": return "ok"
        case "authFailed": return "auth failed" + (r.detail.map { " (\($0))" } ?? "")
        default: return "unreachable" + (r.detail.map { " (\($0))" } ?? "")
        }
    }

    static func limitsText(_ p: ProviderInfo) -> String {
        var parts: [String] = []
        if let n = p.dailyImages { parts.append("\(n) img/day") }
        if let c = p.dailyCost { parts.append(String(format: "$%.2f/day", c)) }
        return parts.isEmpty ? "none" : parts.joined(separator: ", ")
    }

    /// Reads the key: without echo when stdin is a terminal (termios), else one line from stdin.
    static func readKey(prompt: String) throws -> String {
        if isatty(0) == 1 {
            FileHandle.standardError.write(Data(prompt.utf8))
            var saved = termios()
            tcgetattr(0, &saved)
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(0, TCSAFLUSH, &quiet)
            defer {
                tcsetattr(0, TCSAFLUSH, &saved)
                FileHandle.standardError.write(Data("\n".utf8))
            }
            return (readLine(strippingNewline: true) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return (readLine(strippingNewline: true) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
