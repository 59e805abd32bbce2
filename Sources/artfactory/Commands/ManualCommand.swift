import ArgumentParser
import ArtFactoryProtocol
import Foundation

/// `artfactory manual`: writes the man page (roff) built from the command definitions themselves,
/// so it never disagrees with `--help`. Install with `artfactory manual > artfactory.1`.
struct ManualCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manual",
        abstract: "Print the artfactory(1) man page in roff, generated from the command definitions.",
        shouldDisplay: false)

    func run() throws {
        Console.out(Self.render())
    }

    static func render() -> String {
        var out = """
        .TH ARTFACTORY 1 "" "ArtFactory \(ArtFactoryVersion.string)" "User Commands"
        .SH NAME
        artfactory \\- \(escape(ArtFactoryCLI.configuration.abstract))
        .SH SYNOPSIS
        .B artfactory
        [\\fIglobal options\\fR] \\fIcommand\\fR [\\fIargs\\fR]
        .SH DESCRIPTION
        \(escape(ArtFactoryCLI.configuration.discussion))
        .SH COMMANDS

        """
        func walk(_ command: ParsableCommand.Type, path: [String]) {
            let config = command.configuration
            guard config.shouldDisplay else { return }
            let name = config.commandName ?? String(describing: command).lowercased()
            let full = path + [name]
            if full.count > 1 {
                out += ".SS \(escape(full.dropFirst().joined(separator: " ")))\n"
                out += ".nf\n" + escape(ArtFactoryCLI.helpMessage(for: command, columns: 100)) + "\n.fi\n"
            }
            for sub in config.subcommands { walk(sub, path: full) }
        }
        walk(ArtFactoryCLI.self, path: [])
        out += """
        .SH EXIT STATUS
        0 success; 1 failure reported by the daemon; 2 usage error; 3 daemon unreachable.
        .SH ENVIRONMENT
        .TP
        .B ARTFACTORY_HOME
        Directory holding the catalog, gallery, models, config, logs and the socket.
        .TP
        .B XDG_DATA_HOME, XDG_CONFIG_HOME, XDG_RUNTIME_DIR
        Used when ARTFACTORY_HOME is unset.
        .TP
        .B ARTFACTORY_NO_AUTOSTART
        Set to 1 to make commands fail (exit 3) instead of starting the daemon.
        .SH FILES
        $ARTFACTORY_HOME/artfactoryd.sock, $ARTFACTORY_HOME/logs/artfactoryd.log, $ARTFACTORY_HOME/config.json
        .SH SEE ALSO
        artfactoryd(1)
        """
        return out
    }

    /// Escapes text for roff: backslashes, and lines starting with `.` or `'`.
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\e")
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(".") || $0.hasPrefix("'") ? "\\&" + $0 : String($0) }
            .joined(separator: "\n")
    }
}
