import Foundation
import Testing
@testable import ArtFactoryEngine

@Suite struct SafeTensorsFileTests {
    /// Writes a raw file: length prefix, header text, then `payload` bytes.
    static func writeRaw(header: String, payload: Int, to url: URL) throws {
        var data = Data()
        let json = Data(header.utf8)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        data.append(Data(repeating: 0, count: payload))
        try data.write(to: url)
    }

    @Test func f32F16AndBF16ValuesDecode() throws {
        let dir = try EngineFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("mixed.safetensors")
        // 1.5 in each dtype: f32 0x3FC00000, f16 0x3E00, bf16 0x3FC0; then -2 as f16 0xC000.
        let header = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F16","shape":[2],"data_offsets":[4,8]},"c":{"dtype":"BF16","shape":[1],"data_offsets":[8,10]},"__metadata__":{"format":"pt"}}"#
        var data = Data()
        let json = Data(header.utf8)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        data.append(contentsOf: [0x00, 0x00, 0xC0, 0x3F, 0x00, 0x3E, 0x00, 0xC0, 0xC0, 0x3F])
        try data.write(to: url)
        let file = try SafeTensorsFile(path: url.path)
        #expect(try file.tensor(named: "a").data == [1.5])
        #expect(try file.tensor(named: "b").data == [1.5, -2])
        #expect(try file.tensor(named: "c").data == [1.5])
        #expect(file.metadata["format"] == "pt")
        #expect(file.names == ["a", "b", "c"])
    }

    @Test func writerOutputRoundTrips() throws {
        let dir = try EngineFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("t.safetensors").path
        let t = Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, -6])
        try SafeTensorsWriter.write(["x": t], metadata: ["k": "v"], to: path)
        let file = try SafeTensorsFile(path: path)
        #expect(try file.tensor(named: "x") == t)
        #expect(file.metadata == ["k": "v"])
    }

    @Test func truncatedFileNamesFileAndProblem() throws {
        let dir = try EngineFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = EngineFixtures.pipeline("sd1-tiny") + "/vae/diffusion_pytorch_model.safetensors"
        let data = try Data(contentsOf: URL(fileURLWithPath: source))
        let url = dir.appendingPathComponent("cut.safetensors")
        try data.prefix(data.count / 2).write(to: url)
        let error = #expect(throws: EngineError.self) { try SafeTensorsFile(path: url.path) }
        #expect(error?.code == "safetensors.truncated")
        #expect(error?.path == url.path)
        try data.prefix(5).write(to: url)
        #expect((#expect(throws: EngineError.self) { try SafeTensorsFile(path: url.path) })?.code == "safetensors.truncated")
        try data.prefix(100).write(to: url)  // the header itself is cut
        #expect((#expect(throws: EngineError.self) { try SafeTensorsFile(path: url.path) })?.code == "safetensors.truncated")
    }

    @Test func headerLyingAboutSizesIsRejected() throws {
        let dir = try EngineFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("lie.safetensors")
        // Shape says 4 floats (16 bytes) but the range covers 8 bytes.
        try Self.writeRaw(header: #"{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,8]}}"#, payload: 16, to: url)
        #expect((#expect(throws: EngineError.self) { try SafeTensorsFile(path: url.path) })?.code == "safetensors.offsets")
        // Consistent sizes, but past the end of the file.
        try Self.writeRaw(header: #"{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, payload: 8, to: url)
        let error = #expect(throws: EngineError.self) { try SafeTensorsFile(path: url.path) }
        #expect(error?.code == "safetensors.truncated")
        #expect(error?.message.contains("\"w\"") == true)
        // Negative and reversed offsets.
        try Self.writeRaw(header: #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}"#, payload: 16, to: url)
        #expect((#expect(throws: EngineError.self) { try SafeTensorsFile(path: url.path) })?.code == "safetensors.offsets")
        // A header length larger than the file.
        var data = Data()
        withUnsafeBytes(of: UInt64(1 << 40).littleEndian) { data.append(contentsOf: $0) }
        data.append(Data("{}".utf8))
        try data.write(to: url)
        #expect((#expect(throws: EngineError.self) { try SafeTensorsFile(path: url.path) })?.code == "safetensors.truncated")
    }

    @Test func malformedHeadersAndDTypesAreRejected() throws {
        let dir = try EngineFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("bad.safetensors")
        try Self.writeRaw(header: "{not json", payload: 0, to: url)
        #expect((#expect(throws: EngineError.self) { try SafeTensorsFile(path: url.path) })?.code == "safetensors.header")
        try Self.writeRaw(header: #"[1,2]"#, payload: 0, to: url)
        #expect((#expect(throws: EngineError.self) { try SafeTensorsFile(path: url.path) })?.code == "safetensors.header")
        try Self.writeRaw(header: #"{"w":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}"#, payload: 8, to: url)
        let error = #expect(throws: EngineError.self) { try SafeTensorsFile(path: url.path) }
        #expect(error?.code == "safetensors.dtype")
        #expect(error?.message.contains("I64") == true)
        try Self.writeRaw(header: #"{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, payload: 4, to: url)
        #expect((#expect(throws: EngineError.self) { try SafeTensorsFile(path: url.path) })?.code == "safetensors.header")
    }

    @Test func missingFileIsAClearError() {
        let error = #expect(throws: EngineError.self) { try SafeTensorsFile(path: "/nonexistent/x.safetensors") }
        #expect(error?.code == "file.missing")
        #expect(error?.path == "/nonexistent/x.safetensors")
    }
}
