import ArgumentParser
import ArtFactoryProtocol
import Foundation

/// `artfactory rpc METHOD [PARAMS-JSON]`: call any method directly; prints the result as JSON.
struct RPCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rpc",
        abstract: "Call a daemon method directly and print its JSON result (see `artfactory rpc rpc.discover`).")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Method name, e.g. daemon.status.")
    var method: String

    @Argument(help: "Params as a JSON object or array, or - to read them from stdin.")
    var params: String?

    func run() throws {
        var parsed: JSONValue?
        if let params {
            let text = params == "-" ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) : params
            do { parsed = try JSONParser().parse(text) } catch {
                throw CLIFailure.usage("params are not valid JSON: \(error)")
            }
        }
        let client = try global.connect()
        Console.json(try client.call(method, params: parsed))
    }
}
