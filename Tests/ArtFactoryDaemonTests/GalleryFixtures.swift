import ArtFactoryImaging
import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation
import TestSupport

/// Test images written to a temporary folder: PNGs with A1111 or ArtFactory metadata, plain
/// JPEG-free noise, a truncated PNG and a text file pretending to be one.
enum GalleryFixtures {
    /// A deterministic RGB image of `side`² whose pixels depend on `seed`.
    static func pixels(side: Int, seed: Int) throws -> PixelBuffer {
        var bytes = [UInt8](repeating: 0, count: side * side * 3)
        var state = UInt64(seed &+ 1) &* 0x9E37_79B9_7F4A_7C15
        for i in 0..<bytes.count {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            bytes[i] = UInt8(truncatingIfNeeded: (state >> 33) ^ UInt64(i / 7))
        }
        return try PixelBuffer(width: side, height: side, channels: 3, bytes: bytes)
    }

    /// Writes a PNG with an A1111 `parameters` chunk and returns its path.
    @discardableResult
    static func a1111PNG(in dir: String, name: String, prompt: String, seed: Int, side: Int = 64) throws -> String {
        let params = "\(prompt)\nNegative prompt: blurry\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: \(seed), Size: \(side)x\(side), Model: sd15"
        let data = try PNGEncoder().encode(try pixels(side: side, seed: seed), parameters: params, recordJSON: nil)
        let path = dir + "/" + name
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A fresh temporary folder (removed by the caller).
    static func folder(_ prefix: String) throws -> String { try TestPaths.makeTempDir(prefix: prefix) }

    /// Every regular file under `root`, relative, sorted (hidden entries skipped).
    static func files(under root: String) -> [String] {
        var result: [String] = []
        let walker = FileManager.default.enumerator(atPath: root)
        while let rel = walker?.nextObject() as? String {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + rel, isDirectory: &isDir), !isDir.boolValue,
               !rel.split(separator: "/").contains(where: { $0.hasPrefix(".") }) {
                result.append(rel)
            }
        }
        return result.sorted()
    }
}

extension RPCClient {
    /// `gallery.import` with `wait`: the finished job's outcome (a failed job throws its error).
    func importImages(_ params: GalleryImport.Params) throws -> GalleryImport.Outcome {
        var p = params
        p.wait = true
        let job = try call(GalleryImport.self, p)
        guard let outcome = job.importResult else { throw RPCError(code: 0, message: "import \(job.id) ended \(job.status) without an outcome") }
        return outcome
    }

    /// `gallery.export` with `wait`: the finished job's outcome.
    func exportImages(_ params: GalleryExport.Params) throws -> GalleryExport.Outcome {
        var p = params
        p.wait = true
        let job = try call(GalleryExport.self, p)
        guard let outcome = job.exportResult else { throw RPCError(code: 0, message: "export \(job.id) ended \(job.status) without an outcome") }
        return outcome
    }
}
