import ArtFactoryDaemon
import Foundation
import Glibc

/// `artfactoryd-conformance [--detached]`: test-only. The real daemon plus the JSON-RPC 2.0
/// specification's example methods (`subtract`, `sum`, …), so conformance tests can replay the
/// specification's own examples verbatim. Never shipped: it is no product, and the methods live
/// in this target only (SpecExampleHandlers.swift).
@main
struct ConformanceDaemonMain {
    static func main() {
        var options = Daemon.Options(paths: DaemonPaths.resolve())
        options.foreground = !CommandLine.arguments.dropFirst().contains("--detached")
        options.extraMethods = { table in SpecExampleHandlers().register(in: table) }
        do {
            let daemon = try Daemon(options: options)
            exit(try daemon.run())
        } catch {
            FileHandle.standardError.write(Data("artfactoryd-conformance: \(error)\n".utf8))
            exit(1)
        }
    }
}
