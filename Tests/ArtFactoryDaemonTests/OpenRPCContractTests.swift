import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation
import Testing
import TestSupport

/// The committed contract, docs/openrpc.json, must be exactly what the daemon serves: a method
/// added, removed or changed without regenerating it (Scripts/update-openrpc) fails here.
@Suite struct OpenRPCContractTests {
    static var repoRoot: String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }

    @Test func committedDocumentMatchesTheDaemon() throws {
        let path = Self.repoRoot + "/docs/openrpc.json"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let committed = try JSONParser(maxDepth: 512).parse(text)
        let daemon = try DaemonProcess.start()
        let served = try daemon.client().call("rpc.discover")
        let committedNames = committed["methods"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        let servedNames = served["methods"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        let missing = Set(servedNames).subtracting(committedNames).sorted()
        let extra = Set(committedNames).subtracting(servedNames).sorted()
        #expect(missing.isEmpty && extra.isEmpty,
                "docs/openrpc.json lacks \(missing) and has \(extra) beyond the daemon; run Scripts/update-openrpc")
        let identical = committed == served  // a Bool, so a failure does not print both documents
        #expect(identical, "docs/openrpc.json differs from rpc.discover; run Scripts/update-openrpc")
    }
}
