import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation
import Testing
import TestSupport

/// The JSON-RPC 2.0 specification's own examples (section 7), sent verbatim to a real daemon in
/// conformance mode; responses must be exactly the specified ones (our error objects add `data`
/// and more helpful messages, which the specification allows; codes and ids must match).
@Suite(.serialized) struct JSONRPCConformanceTests {
    let daemon: DaemonProcess
    init() throws { daemon = try DaemonProcess.start(executable: "artfactoryd-conformance") }

    func exchange(_ line: String, expectReply: Bool = true) throws -> JSONValue? {
        let c = try daemon.client(timeout: expectReply ? 10 : 0.3)
        try c.sendRaw(Array((line + "\n").utf8))
        if !expectReply {
            do { _ = try c.readRawMessage(); Issue.record("a notification got a reply") } catch let e as IPCError {
                #expect(e.code == .timedOut)
            }
            return nil
        }
        return try c.readRawMessage()
    }

    func result(_ v: JSONValue?, id: JSONValue) -> JSONValue? {
        guard let o = v?.objectValue, o["jsonrpc"] == "2.0", o["id"] == id, o["error"] == nil else { return nil }
        return o["result"]
    }

    func errorCode(_ v: JSONValue?, id: JSONValue = .null) -> Int64? {
        guard let o = v?.objectValue, o["jsonrpc"] == "2.0", o["id"] == id, o["result"] == nil else { return nil }
        #expect(o["error"]?["message"]?.stringValue?.isEmpty == false)
        return o["error"]?["code"]?.intValue
    }

    @Test func positionalParams() throws {
        #expect(result(try exchange(#"{"jsonrpc": "2.0", "method": "subtract", "params": [42, 23], "id": 1}"#), id: 1) == 19)
        #expect(result(try exchange(#"{"jsonrpc": "2.0", "method": "subtract", "params": [23, 42], "id": 2}"#), id: 2) == -19)
    }

    @Test func namedParams() throws {
        #expect(result(try exchange(#"{"jsonrpc": "2.0", "method": "subtract", "params": {"subtrahend": 23, "minuend": 42}, "id": 3}"#), id: 3) == 19)
        #expect(result(try exchange(#"{"jsonrpc": "2.0", "method": "subtract", "params": {"minuend": 42, "subtrahend": 23}, "id": 4}"#), id: 4) == 19)
    }

    @Test func notificationsGetNoReply() throws {
        _ = try exchange(#"{"jsonrpc": "2.0", "method": "update", "params": [1,2,3,4,5]}"#, expectReply: false)
        _ = try exchange(#"{"jsonrpc": "2.0", "method": "foobar"}"#, expectReply: false)
    }

    @Test func nonExistentMethod() throws {
        #expect(errorCode(try exchange(#"{"jsonrpc": "2.0", "method": "foobar", "id": "1"}"#), id: "1") == -32601)
    }

    @Test func invalidJSON() throws {
        #expect(errorCode(try exchange(#"{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]"#)) == -32700)
    }

    @Test func invalidRequestObject() throws {
        #expect(errorCode(try exchange(#"{"jsonrpc": "2.0", "method": 1, "params": "bar"}"#)) == -32600)
    }

    @Test func batchWithInvalidJSON() throws {
        let line = #"[ {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"}, {"jsonrpc": "2.0", "method" ]"#
        #expect(errorCode(try exchange(line)) == -32700)
    }

    @Test func emptyArray() throws {
        #expect(errorCode(try exchange("[]")) == -32600)
    }

    @Test func invalidBatchOfOne() throws {
        let v = try exchange("[1]")
        #expect(v?.arrayValue?.count == 1)
        #expect(errorCode(v?.arrayValue?.first) == -32600)
    }

    @Test func invalidBatchOfThree() throws {
        let v = try exchange("[1,2,3]")
        #expect(v?.arrayValue?.count == 3)
        for item in v?.arrayValue ?? [] { #expect(errorCode(item) == -32600) }
    }

    @Test func mixedBatch() throws {
        let line = """
        [{"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},{"jsonrpc": "2.0", "method": "notify_hello", "params": [7]},\
        {"jsonrpc": "2.0", "method": "subtract", "params": [42,23], "id": "2"},{"foo": "boo"},\
        {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},{"jsonrpc": "2.0", "method": "get_data", "id": "9"}]
        """
        let items = try #require(try exchange(line)?.arrayValue)
        #expect(items.count == 5)
        func byID(_ id: JSONValue) -> JSONValue? { items.first { $0["id"] == id } }
        #expect(result(byID("1"), id: "1") == 7)
        #expect(result(byID("2"), id: "2") == 19)
        #expect(errorCode(byID(.null)) == -32600)
        #expect(errorCode(byID("5"), id: "5") == -32601)
        #expect(result(byID("9"), id: "9") == ["hello", 5])
    }

    @Test func batchOfNotificationsGetsNothing() throws {
        _ = try exchange(#"[{"jsonrpc": "2.0", "method": "notify_sum", "params": [1,2,4]},{"jsonrpc": "2.0", "method": "notify_hello", "params": [7]}]"#, expectReply: false)
    }

    @Test func wrongParamTypesAndUnknownFields() throws {
        let wrongType = try exchange(#"{"jsonrpc": "2.0", "method": "subtract", "params": {"minuend": "42", "subtrahend": 23}, "id": 7}"#)
        #expect(errorCode(wrongType, id: 7) == -32602)
        #expect(wrongType?["error"]?["data"]?["path"] == "minuend")
        let unknown = try exchange(#"{"jsonrpc": "2.0", "method": "daemon.status", "params": {"verbose": true}, "id": 8}"#)
        #expect(errorCode(unknown, id: 8) == -32602)
        #expect(unknown?["error"]?["data"]?["path"] == "verbose")
        let tooMany = try exchange(#"{"jsonrpc": "2.0", "method": "subtract", "params": [1, 2, 3], "id": 9}"#)
        #expect(errorCode(tooMany, id: 9) == -32602)
    }
}
