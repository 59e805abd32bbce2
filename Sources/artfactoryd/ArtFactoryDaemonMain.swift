import ArtFactoryDaemon
import ArtFactoryEngine
import Foundation
import Glibc

/// `artfactoryd [--home DIR] [--detached]`: the ArtFactory daemon. Usually started by
/// `artfactory daemon start`; runs in the foreground (logs on stderr too) unless `--detached`.
@main
struct ArtFactoryDaemonMain {
    static func main() {
        var args = Array(CommandLine.arguments.dropFirst())
        var detached = false
        var env = ProcessInfo.processInfo.environment
        while let a = args.first {
            args.removeFirst()
            switch a {
            case "--detached": detached = true
            case "--foreground": detached = false
            case "--home":
                guard let h = args.first else { fail("--home needs a directory", code: 2) }
                args.removeFirst()
                env["ARTFACTORY_HOME"] = h
            case "-h", "--help":
                print("""
                usage: artfactoryd [--home DIR] [--foreground | --detached]

                The ArtFactory daemon: serves JSON-RPC 2.0 on a Unix socket.
                Data lives under $ARTFACTORY_HOME, or the XDG directories when it is unset.
                Usually started with `artfactory daemon start`; stop it with `artfactory daemon stop` or SIGTERM.
                """)
                exit(0)
            case "--version":
                print(artfactoryVersion())
                exit(0)
            default:
                fail("unknown argument '\(a)'; see artfactoryd --help", code: 2)
            }
        }
        if getenv("ARTFACTORY_NO_BLAS_TUNING") == nil { BLASRuntime.reexecWithFastKernelIfNeeded() }
        let inherited = SocketActivation.inheritedListener(environment: env)
        ProcessHygiene.closeInheritedDescriptors(keeping: inherited.map { [$0] } ?? [])
        ProcessHygiene.unblockControlSignals()
        var options = Daemon.Options(paths: DaemonPaths.resolve(environment: env))
        options.foreground = !detached
        options.inheritedFD = inherited
        do {
            let daemon = try Daemon(options: options)
            exit(try daemon.run())
        } catch {
            fail("\(error)", code: 1)
        }
    }

    static func fail(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data("artfactoryd: \(message)\n".utf8))
        exit(code)
    }
}
