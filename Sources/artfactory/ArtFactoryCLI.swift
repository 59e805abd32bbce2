import ArgumentParser
import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation

/// `artfactory`: the command-line client of the ArtFactory daemon.
///
/// Exit codes: 0 success, 1 failure reported by the daemon, 2 usage error, 3 daemon unreachable.
@main
struct ArtFactoryCLI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "artfactory",
        abstract: "Generate, organise and search images with the local ArtFactory daemon.",
        discussion: """
        The daemon (artfactoryd) keeps models warm and owns the catalog and gallery; this command talks to it
        over a Unix socket. Commands start the daemon when it is not running (and say so on stderr).

        Data lives in $ARTFACTORY_HOME when set, otherwise in $XDG_DATA_HOME/artfactory.
        Exit codes: 0 success, 1 failure reported by the daemon, 2 usage error, 3 daemon unreachable.
        """,
        version: ArtFactoryVersion.string,
        subcommands: [DaemonCommand.self, StatusCommand.self, RPCCommand.self, ManualCommand.self,
                      GenerateCommand.self, JobsCommand.self, QueueCommand.self, ModelsCommand.self, UpscalersCommand.self, LorasCommand.self, PresetCommand.self, SessionCommand.self,
                      PromptCommand.self, BatchCommand.self, CampaignCommand.self,
                      GalleryCommand.self, BrowseCommand.self, ProjectCommand.self, CollectionCommand.self, TagCommand.self,
                      TemplateCommand.self, ProfileCommand.self, WatchCommand.self, ProviderCommand.self,
                      AnalyticsCommand.self, ExploreCommand.self, ReferenceCommand.self, HandoffCommand.self]
    )

    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withCLIError: error)
        }
    }

    /// Prints `error` the way people and scripts expect and exits with the documented code.
    static func exit(withCLIError error: any Error) -> Never {
        switch error {
        case let f as CLIFailure:
            if !f.message.isEmpty { Console.error(f.message) }
            Foundation.exit(f.exitCode)
        case let e as RPCError:
            Console.error(e.message)
            Foundation.exit(ExitStatus.daemonFailure)
        case let e as IPCError:
            Console.error(e.message)
            Foundation.exit(ExitStatus.unreachable)
        default:
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(ExitStatus.usage)
            }
            self.exit(withError: error)
        }
    }
}

/// The exit codes the CLI documents.
enum ExitStatus {
    static let success: Int32 = 0
    static let daemonFailure: Int32 = 1
    static let usage: Int32 = 2
    static let unreachable: Int32 = 3
}

/// A failure the CLI reports itself, with its exit code.
struct CLIFailure: Error {
    var message: String
    var exitCode: Int32
    static func usage(_ m: String) -> CLIFailure { CLIFailure(message: m, exitCode: ExitStatus.usage) }
    static func unreachable(_ m: String) -> CLIFailure { CLIFailure(message: m, exitCode: ExitStatus.unreachable) }
    static func failed(_ m: String) -> CLIFailure { CLIFailure(message: m, exitCode: ExitStatus.daemonFailure) }
}
