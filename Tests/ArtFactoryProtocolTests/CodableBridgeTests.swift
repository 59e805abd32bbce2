import ArtFactoryProtocol
import Testing

@Suite struct CodableBridgeTests {
    struct Inner: Codable, Equatable { var w: Int; var h: Int }
    struct Params: Codable, Equatable {
        var prompt: String
        var count: Int?
        var guidance: Double?
        var tags: [String]?
        var size: Inner?
    }

    @Test func decodesAndEncodesTypedValues() throws {
        let json: JSONValue = ["prompt": "a cat", "count": 4, "guidance": 7, "tags": ["x"], "size": ["w": 64, "h": 96]]
        let p = try JSONValueDecoder().decode(Params.self, from: json)
        #expect(p == Params(prompt: "a cat", count: 4, guidance: 7, tags: ["x"], size: Inner(w: 64, h: 96)))
        #expect(try JSONValueEncoder().encode(p) == ["prompt": "a cat", "count": 4, "guidance": 7.0, "tags": ["x"], "size": ["w": 64, "h": 96]])
        #expect(try JSONValueEncoder().encode(Params(prompt: "p")) == ["prompt": "p"], "nil optionals are left out")
    }

    @Test func unknownFieldsAreRejectedWithTheirPath() {
        do {
            _ = try JSONValueDecoder().decode(Params.self, from: ["prompt": "x", "size": ["w": 1, "h": 2, "d": 3]])
            Issue.record("expected a failure")
        } catch let p as DecodingProblem {
            #expect(p.path == ["size", "d"])
            #expect(p.message == "unknown field")
        } catch { Issue.record("\(error)") }
        #expect(throws: DecodingProblem.self) { try JSONValueDecoder().decode(NoParams.self, from: ["x": 1]) }
        #expect(throws: Never.self) { try JSONValueDecoder().decode(NoParams.self, from: .object(JSONObject())) }
    }

    @Test func wrongTypesAndMissingFieldsNameThePath() {
        func problem(_ v: JSONValue) -> DecodingProblem? {
            do { _ = try JSONValueDecoder().decode(Params.self, from: v); return nil } catch { return error as? DecodingProblem }
        }
        #expect(problem(["count": 1])?.path == ["prompt"])
        #expect(problem(["prompt": 1])?.message == "expected string, got number")
        #expect(problem(["prompt": "x", "count": 1.5])?.path == ["count"])
        #expect(problem(["prompt": "x", "count": 1e30])?.path == ["count"])
        #expect(problem(["prompt": "x", "tags": ["a", 2]])?.path == ["tags", "1"])
        #expect(problem(["prompt": "x"]) == nil)
    }

    @Test func requestValidationFollowsTheSpecification() throws {
        #expect(throws: RPCRequestFailure.self) { try RPCRequest(validating: ["jsonrpc": "2.0", "method": "m", "id": [1]]) }
        #expect(throws: RPCRequestFailure.self) { try RPCRequest(validating: ["jsonrpc": "2.0", "method": "m", "params": 3, "id": 1]) }
        #expect(throws: RPCRequestFailure.self) { try RPCRequest(validating: ["method": "m", "id": 1]) }
        let r = try RPCRequest(validating: ["jsonrpc": "2.0", "method": "m", "params": [1], "id": "a"])
        #expect(r.id == .string("a"))
        #expect(try RPCRequest(validating: ["jsonrpc": "2.0", "method": "m"]).isNotification)
    }
}
